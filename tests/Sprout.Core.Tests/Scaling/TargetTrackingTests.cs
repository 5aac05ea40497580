using Sprout.Core.Model;
using Sprout.Core.Options;
using Sprout.Core.Scaling;
using static Sprout.Core.Tests.Scaling.Series;

namespace Sprout.Core.Tests.Scaling;

public sealed class TargetTrackingTests
{
    private static readonly AutoScalingGroupOptions Group = new(1, 10, TimeSpan.FromSeconds(360));

    private static readonly TargetTrackingOptions Cpu50 = TargetTrackingOptions.For("CPUUtilization", 50);

    private static ScalingPolicy TrackingOnly() => new(Group, null, Cpu50, []);

    private static ScalingState State(int desired, DateTimeOffset? lastScaling = null, DateTimeOffset? lastOut = null) =>
        new(desired, Group.MinSize, Group.MaxSize, lastScaling, lastOut, Now);

    private static ScalingPlan Plan(ScalingPolicy policy, ScalingState state, IReadOnlyList<MetricSample> samples) =>
        ScalingPlanner.Plan(policy, state, Metric("CPUUtilization", samples), Now);

    [Fact]
    public void ScaleOut_GoesStraightToTheCapacityThatMeetsTheTarget()
    {
        var plan = Plan(TrackingOnly(), State(2), Constant(90, 60));

        Assert.Equal(4, plan.DesiredCapacity);
        Assert.Equal("CPUUtilization averaged 90 % per instance over 60 s, above target 50 % (+10 % tolerance): adding 2 instances (2 → 4).", plan.Decisions[0].Cause);
        Assert.Equal(ScalingSource.TargetTracking, plan.Decisions[0].Source);
    }

    [Theory]
    [InlineData(55, 2)]
    [InlineData(55.01, 3)]
    public void ScaleOut_StartsJustAboveTheTolerance(double cpu, int expected) =>
        Assert.Equal(expected, Plan(TrackingOnly(), State(2), Constant(cpu, 300)).DesiredCapacity);

    [Theory]
    [InlineData(59, 2)]
    [InlineData(60, 4)]
    public void ScaleOutCooldown_AfterAScaleOut(int secondsSinceScaleOut, int expected)
    {
        var last = Now.AddSeconds(-secondsSinceScaleOut);

        Assert.Equal(expected, Plan(TrackingOnly(), State(2, last, last), Constant(90, 60)).DesiredCapacity);
    }

    [Fact]
    public void ScaleIn_StepsDownOneAtATime()
    {
        var plan = Plan(TrackingOnly(), State(4), Constant(10, 300));

        Assert.Equal(3, plan.DesiredCapacity);
        Assert.Equal("CPUUtilization stayed at or below 10 % per instance for 5 min, below target 50 % (−10 % tolerance): removing 1 instance (4 → 3).", plan.Decisions[0].Cause);
    }

    [Theory]
    [InlineData(270, 3)]
    [InlineData(260, 4)]
    public void ScaleIn_WaitsUntilTheLongWindowIsCovered(int seconds, int expected) =>
        Assert.Equal(expected, Plan(TrackingOnly(), State(4), Constant(10, seconds + 10)).DesiredCapacity);

    [Fact]
    public void ScaleIn_OneSpikeInTheLongWindow_Holds()
    {
        var samples = Constant(10, 300).Select(s => s.Timestamp == Now.AddSeconds(-200) ? s with { Value = 80 } : s).ToList();

        Assert.Equal(4, Plan(TrackingOnly(), State(4), samples).DesiredCapacity);
    }

    [Theory]
    [InlineData(45, 10)]
    [InlineData(44.99, 9)]
    public void ScaleIn_StartsJustBelowTheTolerance(double cpu, int expected) =>
        Assert.Equal(expected, Plan(TrackingOnly(), State(10), Constant(cpu, 300)).DesiredCapacity);

    [Theory]
    [InlineData(37.5, 3)]
    [InlineData(37.51, 4)]
    public void ScaleIn_OnlyWhenFewerInstancesStillMeetTheTarget(double cpu, int expected) =>
        // 4 instances at 37.5 % are 3 instances at 50 %; a hair more would push 3 instances over the target.
        Assert.Equal(expected, Plan(TrackingOnly(), State(4), Constant(cpu, 300)).DesiredCapacity);

    [Theory]
    [InlineData(299, 4)]
    [InlineData(300, 3)]
    public void ScaleInCooldown_AfterAnyScaling(int secondsSinceScaling, int expected) =>
        Assert.Equal(expected, Plan(TrackingOnly(), State(4, Now.AddSeconds(-secondsSinceScaling)), Constant(10, 300)).DesiredCapacity);

    [Fact]
    public void WithATrigger_ScaleOutByEither_ScaleInOnlyWhenBothAgree()
    {
        var trigger = CpuTrigger() with { LowerThreshold = 5 };
        var both = new ScalingPolicy(Group, trigger, Cpu50, []);

        // CPU 10 %: tracking wants fewer instances, the trigger (lower threshold 5 %) holds.
        Assert.Equal(4, Plan(both, State(4), Constant(10, 300)).DesiredCapacity);
        // CPU 3 %: both want fewer; the gentler cut wins.
        Assert.Equal(3, Plan(both, State(4), Constant(3, 300)).DesiredCapacity);
        // CPU 85 %: the trigger adds 1, tracking wants ceil(4 × 85 / 50) = 7; the larger ask wins.
        Assert.Equal(7, Plan(both, State(4), Constant(85, 300)).DesiredCapacity);
    }

    [Fact]
    public void FromOptions_NeedsMetricAndTarget()
    {
        Assert.Null(TargetTrackingOptions.From(EffectiveOptions.Defaults));

        var options = EffectiveOptions.Resolve([],
        [
            new OptionSetting(OptionNamespaces.SproutTargetTracking, "MetricName", "RequestCountPerInstance"),
            new OptionSetting(OptionNamespaces.SproutTargetTracking, "TargetValue", "100"),
            new OptionSetting(OptionNamespaces.SproutTargetTracking, "ScaleInWindow", "600"),
        ]);

        var tracking = TargetTrackingOptions.From(options);

        Assert.NotNull(tracking);
        Assert.Equal(TargetTrackingOptions.For("RequestCountPerInstance", 100) with { ScaleInWindow = TimeSpan.FromSeconds(600) }, tracking);
    }

    [Fact]
    public void SingleInstanceEnvironments_HaveNoTriggerOrTracking()
    {
        var options = EffectiveOptions.Resolve([], [new OptionSetting(OptionNamespaces.Environment, "EnvironmentType", "SingleInstance")]);

        var policy = ScalingPolicy.From(options);

        Assert.Null(policy.Trigger);
        Assert.Null(policy.TargetTracking);
        Assert.NotNull(ScalingPolicy.From(EffectiveOptions.Defaults).Trigger);
    }
}
