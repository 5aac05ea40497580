using Sprout.Core.Scaling;
using Sprout.Core.Scheduling;
using static Sprout.Core.Tests.Scaling.Series;

namespace Sprout.Core.Tests.Scaling;

public sealed class ScalingPlannerTests
{
    private static readonly AutoScalingGroupOptions Group = new(1, 4, TimeSpan.FromSeconds(360));

    private static ScalingPolicy TriggerOnly() => new(Group, CpuTrigger(), null, []);

    private static ScalingState State(int desired, DateTimeOffset? lastScaling = null, DateTimeOffset? lastOut = null) =>
        new(desired, Group.MinSize, Group.MaxSize, lastScaling, lastOut, Now.AddMinutes(-1));

    private static ScalingPlan Plan(ScalingPolicy policy, ScalingState state, double cpu, int seconds = 60, string? deployment = null) =>
        ScalingPlanner.Plan(policy, state, Metric("CPUUtilization", Constant(cpu, seconds)), Now, deployment);

    [Fact]
    public void UpperBreach_AddsTheIncrement_AndSaysWhich()
    {
        var plan = Plan(TriggerOnly(), State(2), 83);

        Assert.Equal(3, plan.DesiredCapacity);
        var decision = Assert.Single(plan.Decisions);
        Assert.Equal(ScalingDecisionKind.ScaleOut, decision.Kind);
        Assert.Equal(ScalingSource.Trigger, decision.Source);
        Assert.Equal("CPUUtilization averaged 83 % over 60 s, above UpperThreshold 80 %: adding 1 instance (2 → 3).", decision.Cause);
        Assert.Equal(("CPUUtilization", 83.0, 80.0), (decision.MetricName, decision.MetricValue!.Value, decision.Threshold!.Value));
        Assert.Equal(Now, plan.State.LastScalingAt);
        Assert.Equal(Now, plan.State.LastScaleOutAt);
    }

    [Fact]
    public void LowerBreach_RemovesTheIncrement()
    {
        var plan = Plan(TriggerOnly(), State(3), 10);

        Assert.Equal(2, plan.DesiredCapacity);
        Assert.Equal("CPUUtilization averaged 10 % over 60 s, below LowerThreshold 20 %: removing 1 instance (3 → 2).", plan.Decisions[0].Cause);
    }

    [Theory]
    [InlineData(359, 2)]
    [InlineData(360, 3)]
    public void Cooldown_HoldsTheTriggerUntilItHasPassed(int secondsSinceLastScaling, int expected) =>
        Assert.Equal(expected, Plan(TriggerOnly(), State(2, Now.AddSeconds(-secondsSinceLastScaling)), 95).DesiredCapacity);

    [Fact]
    public void AtMaxSize_SaysSoInsteadOfScaling()
    {
        var plan = Plan(TriggerOnly(), State(4), 95);

        Assert.Equal(4, plan.DesiredCapacity);
        var decision = Assert.Single(plan.Decisions);
        Assert.Equal(ScalingDecisionKind.AtLimit, decision.Kind);
        Assert.EndsWith("but capacity is already at MaxSize 4.", decision.Cause, StringComparison.Ordinal);
        Assert.Null(plan.State.LastScalingAt);
    }

    [Fact]
    public void IncrementPastMaxSize_IsCapped()
    {
        var policy = TriggerOnly() with { Trigger = CpuTrigger() with { UpperBreachScaleIncrement = 3 } };

        var plan = Plan(policy, State(3), 95);

        Assert.Equal(4, plan.DesiredCapacity);
        Assert.EndsWith("adding 1 instance (3 → 4), capped at MaxSize 4.", plan.Decisions[0].Cause, StringComparison.Ordinal);
    }

    [Fact]
    public void AtMinSize_DoesNotScaleIn() =>
        Assert.Equal(ScalingDecisionKind.AtLimit, Assert.Single(Plan(TriggerOnly(), State(1), 5).Decisions).Kind);

    [Fact]
    public void DeploymentInProgress_DefersAndSaysWhy()
    {
        var state = State(2);

        var plan = Plan(TriggerOnly(), state, 95, deployment: "deployment 7 (Rolling, v2)");

        Assert.Same(state, plan.State);
        var decision = Assert.Single(plan.Decisions);
        Assert.Equal(ScalingDecisionKind.Deferred, decision.Kind);
        Assert.Equal(2, decision.ToCapacity);
        Assert.Equal("Not scaling while deployment 7 (Rolling, v2) is in progress. Would have acted on: CPUUtilization averaged 95 % over 60 s, above UpperThreshold 80 %: adding 1 instance (2 → 3).", decision.Cause);
    }

    [Fact]
    public void DeploymentInProgress_NothingToDo_SaysNothing() =>
        Assert.Empty(Plan(TriggerOnly(), State(2), 50, deployment: "deployment 7").Decisions);

    [Theory]
    [InlineData(0, 1, ScalingDecisionKind.ScaleOut)]
    [InlineData(6, 4, ScalingDecisionKind.ScaleIn)]
    public void CapacityOutsideTheBounds_IsBroughtBack_EvenInCooldown(int desired, int expected, ScalingDecisionKind kind)
    {
        var plan = Plan(TriggerOnly(), State(desired, Now.AddSeconds(-1)), 50);

        Assert.Equal(expected, plan.DesiredCapacity);
        Assert.Equal(kind, plan.Decisions[0].Kind);
        Assert.Equal(ScalingSource.Bounds, plan.Decisions[0].Source);
    }

    [Fact]
    public void NoTrigger_NoMetrics_HoldsQuietly()
    {
        var plan = ScalingPlanner.Plan(new ScalingPolicy(Group, null, null, []), State(2), new Dictionary<string, IReadOnlyList<MetricSample>>(), Now);

        Assert.Equal(2, plan.DesiredCapacity);
        Assert.Empty(plan.Decisions);
        Assert.Equal(Now, plan.State.SchedulesCheckedThrough);
    }
}
