using Sprout.Core.Model;
using Sprout.Core.Options;
using Sprout.Core.Scaling;
using Sprout.Core.Scheduling;
using static Sprout.Core.Tests.Scaling.Series;

namespace Sprout.Core.Tests.Scaling;

public sealed class ScheduledActionTests
{
    private static readonly AutoScalingGroupOptions Group = new(1, 4, TimeSpan.FromSeconds(360));

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<MetricSample>> NoMetrics = new Dictionary<string, IReadOnlyList<MetricSample>>();

    private static ScalingState CheckedThrough(DateTimeOffset through, int desired = 2) => new(desired, 1, 4, null, null, through);

    private static ScalingPlan Plan(ScalingState state, string? deployment = null, params ScheduledActionOptions[] actions) =>
        ScalingPlanner.Plan(new ScalingPolicy(Group, null, null, actions), state, NoMetrics, Now, deployment);

    private static ScheduledActionOptions Once(string name, DateTimeOffset at, int? min = null, int? max = null, int? desired = null) =>
        new(name, at, null, min, max, desired, null);

    [Theory]
    [InlineData(-60, false)]
    [InlineData(-59, true)]
    [InlineData(0, true)]
    [InlineData(1, false)]
    public void OneOff_RunsWhenItsStartTimeFallsInTheRound(int secondsFromNow, bool runs)
    {
        var plan = Plan(CheckedThrough(Now.AddSeconds(-60)), null, Once("burst", Now.AddSeconds(secondsFromNow), desired: 3));

        Assert.Equal(runs ? 3 : 2, plan.DesiredCapacity);
    }

    [Fact]
    public void Action_SetsBoundsAndCapacity_AndSaysSo()
    {
        var plan = Plan(CheckedThrough(Now.AddMinutes(-1)), null, Once("morning", Now, min: 3, max: 6, desired: 4));

        Assert.Equal((4, 3, 6), (plan.State.DesiredCapacity, plan.State.MinSize, plan.State.MaxSize));
        var decision = Assert.Single(plan.Decisions);
        Assert.Equal(ScalingSource.ScheduledAction, decision.Source);
        Assert.Equal("Scheduled action 'morning' ran at 2026-03-02 12:00 UTC and set MinSize 3, MaxSize 6, DesiredCapacity 4: adding 2 instances (2 → 4).", decision.Cause);
    }

    [Fact]
    public void BoundsOnly_ClampsTheCapacityIntoThem()
    {
        var plan = Plan(CheckedThrough(Now.AddMinutes(-1), desired: 4), null, Once("night", Now, max: 2));

        Assert.Equal(2, plan.DesiredCapacity);
        Assert.Equal(ScalingDecisionKind.ScaleIn, plan.Decisions[0].Kind);
    }

    [Fact]
    public void BoundsOnly_WithoutACapacityChange_IsBoundsChanged() =>
        Assert.Equal(ScalingDecisionKind.BoundsChanged, Assert.Single(Plan(CheckedThrough(Now.AddMinutes(-1)), null, Once("wide", Now, max: 10)).Decisions).Kind);

    [Fact]
    public void Recurrence_RunsOnCronInUtc_WithinStartAndEnd()
    {
        var weekdaysAtNine = CronExpression.Parse("0 9 * * 1-5");
        var action = new ScheduledActionOptions("workday", Now.AddDays(-30), Now.AddDays(30), 2, null, 3, weekdaysAtNine);
        var monday = new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

        Assert.Equal([monday], action.OccurrencesBetween(monday.AddMinutes(-1), monday));
        Assert.Empty(action.OccurrencesBetween(monday, monday.AddHours(1)));
        Assert.Empty((action with { EndTime = monday.AddTicks(-1) }).OccurrencesBetween(monday.AddMinutes(-1), monday));
        Assert.Equal([monday], (action with { StartTime = monday }).OccurrencesBetween(monday.AddMinutes(-1), monday));
        Assert.Empty((action with { StartTime = monday.AddTicks(1) }).OccurrencesBetween(monday.AddMinutes(-1), monday));
        Assert.Empty((action with { Suspend = true }).OccurrencesBetween(monday.AddMinutes(-1), monday));
    }

    [Fact]
    public void SeveralDue_RunInTimeOrder_LastWins()
    {
        var plan = Plan(CheckedThrough(Now.AddMinutes(-10)), null,
            Once("later", Now.AddMinutes(-1), desired: 1),
            Once("earlier", Now.AddMinutes(-5), desired: 4));

        Assert.Equal(["earlier", "later"], plan.Decisions.Select(d => d.Cause.Split('\'')[1]));
        Assert.Equal(1, plan.DesiredCapacity);
    }

    [Fact]
    public void DuringADeployment_ActionsStayDue_AndRunAfterwards()
    {
        var state = CheckedThrough(Now.AddMinutes(-1));
        var action = Once("burst", Now.AddSeconds(-30), desired: 4);

        var during = Plan(state, "deployment 3", action);
        var after = Plan(during.State, null, action);

        Assert.Equal(ScalingDecisionKind.Deferred, Assert.Single(during.Decisions).Kind);
        Assert.Equal(2, during.DesiredCapacity);
        Assert.Equal(4, after.DesiredCapacity);
    }

    [Fact]
    public void FromOptions_ReadsEveryNamedAction()
    {
        var options = EffectiveOptions.Resolve([],
        [
            new OptionSetting(OptionNamespaces.ScheduledAction, "MinSize", "2", "ScaleUp"),
            new OptionSetting(OptionNamespaces.ScheduledAction, "DesiredCapacity", "3", "ScaleUp"),
            new OptionSetting(OptionNamespaces.ScheduledAction, "Recurrence", "0 9 * * 1-5", "ScaleUp"),
            new OptionSetting(OptionNamespaces.ScheduledAction, "StartTime", "2026-01-01T00:00:00Z", "ScaleUp"),
            new OptionSetting(OptionNamespaces.ScheduledAction, "StartTime", "2026-06-01T08:00:00Z", "Once"),
            new OptionSetting(OptionNamespaces.ScheduledAction, "MaxSize", "1", "Once"),
            new OptionSetting(OptionNamespaces.ScheduledAction, "Suspend", "true", "Once"),
        ]);

        var actions = ScheduledActionOptions.From(options);

        Assert.Equal(["Once", "ScaleUp"], actions.Select(a => a.Name));
        Assert.Equal((null, 1, (int?)null, true), (actions[0].MinSize, actions[0].MaxSize, actions[0].DesiredCapacity, actions[0].Suspend));
        Assert.Equal(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero), actions[0].StartTime);
        Assert.Equal("0 9 * * 1-5", actions[1].Recurrence!.ToString());
        Assert.Equal((2, (int?)null, 3), (actions[1].MinSize, actions[1].MaxSize, actions[1].DesiredCapacity));
    }
}
