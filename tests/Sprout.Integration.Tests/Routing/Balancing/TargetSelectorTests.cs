using Sprout.Integration.Tests.Metrics;
using Sprout.Server.Routing;
using Sprout.Server.Routing.Balancing;
using Sprout.Server.Routing.Targets;

namespace Sprout.Integration.Tests.Routing.Balancing;

public sealed class TargetSelectorTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly TargetStates _states;

    public TargetSelectorTests() => _states = new TargetStates(PassiveHealthOptions.Default, _time);

    private long Now => _time.GetUtcNow().UtcTicks;

    private static TargetGroup Group(string name, int weight, params string[] instances)
        => new(name, weight, instances.Select((id, i) => new RouteTarget(id, "127.0.0.1", 5000 + i)).ToArray());

    private ActiveRoute Route(RoutePolicy? policy, params TargetGroup[] groups)
        => new(new EnvironmentRoute("web", ["web.localhost"], groups) { Policy = policy ?? RoutePolicy.Default }, _states);

    private static readonly RoutePolicy RoundRobinPolicy = new() { Algorithm = LoadBalancingAlgorithm.RoundRobin };

    [Fact]
    public void RoundRobin_CyclesThroughTheGroupsTargetsInOrder()
    {
        var route = Route(RoundRobinPolicy, Group("default", 100, "i-1", "i-2", "i-3"));

        var picks = Enumerable.Range(0, 6).Select(_ => TargetSelector.Pick(route, default, Now, Random.Shared)!.Target.InstanceId).ToArray();

        Assert.Equal(["i-1", "i-2", "i-3", "i-1", "i-2", "i-3"], picks);
    }

    [Fact]
    public void RoundRobin_SkipsAnEjectedTarget()
    {
        var route = Route(RoundRobinPolicy, Group("default", 100, "i-1", "i-2", "i-3"));
        _states.Get("i-2").Report(ForwarderError.Request);

        var picks = Enumerable.Range(0, 4).Select(_ => TargetSelector.Pick(route, default, Now, Random.Shared)!.Target.InstanceId).ToArray();

        Assert.DoesNotContain("i-2", picks);
        Assert.Equal(2, picks.Distinct().Count());
    }

    [Fact]
    public void LeastOutstanding_OfTwoTargets_AlwaysPicksTheLessLoaded()
    {
        var route = Route(null, Group("default", 100, "i-busy", "i-idle"));
        for (var i = 0; i < 5; i++)
        {
            _states.Get("i-busy").Enter();
        }

        var picks = Enumerable.Range(0, 200).Select(_ => TargetSelector.Pick(route, default, Now, Random.Shared)!.Target.InstanceId);

        Assert.All(picks, id => Assert.Equal("i-idle", id));
    }

    [Fact]
    public void LeastOutstanding_NeverPicksTheMostLoadedOfThreeAndSpreadsEqualLoadEvenly()
    {
        var route = Route(null, Group("default", 100, "i-1", "i-2", "i-3"));
        _states.Get("i-3").Enter();
        var random = new Random(7);

        var counts = Enumerable.Range(0, 30_000)
            .Select(_ => TargetSelector.Pick(route, default, Now, random)!.Target.InstanceId)
            .CountBy(id => id)
            .ToDictionary();

        Assert.False(counts.ContainsKey("i-3"), "two random choices always include a less loaded target than i-3");
        // i-1 and i-2 tie; each should get about half (binomial sd ≈ 87 of 30,000).
        Assert.InRange(counts["i-1"], 14_400, 15_600);
    }

    [Fact]
    public void Weights_SplitRequestsInProportionWithinStatisticalBounds()
    {
        var route = Route(null, Group("blue", 90, "i-b1", "i-b2"), Group("green", 10, "i-g1"));
        var random = new Random(42);
        const int picks = 50_000;

        var green = Enumerable.Range(0, picks).Count(_ => TargetSelector.Pick(route, default, Now, random)!.GroupName == "green");

        // Expected 5,000; sd = sqrt(n p (1-p)) ≈ 67; ±5 sd.
        Assert.InRange(green, 5_000 - 335, 5_000 + 335);
    }

    [Fact]
    public void Weights_ZeroWeightGroupGetsNoNewRequestsUnlessItAloneHasTargets()
    {
        var route = Route(null, Group("old", 100, "i-old"), Group("new", 0, "i-new"));
        Assert.All(Enumerable.Range(0, 500), _ => Assert.Equal("i-old", TargetSelector.Pick(route, default, Now, Random.Shared)!.Target.InstanceId));

        var onlyNew = Route(null, Group("old", 100), Group("new", 0, "i-new"));
        Assert.Equal("i-new", TargetSelector.Pick(onlyNew, default, Now, Random.Shared)!.Target.InstanceId);
    }

    [Fact]
    public void Weights_GroupWhoseTargetsAreAllEjected_LosesItsShare()
    {
        var route = Route(null, Group("blue", 50, "i-b"), Group("green", 50, "i-g"));
        _states.Get("i-g").Report(ForwarderError.Request);

        Assert.All(Enumerable.Range(0, 500), _ => Assert.Equal("i-b", TargetSelector.Pick(route, default, Now, Random.Shared)!.Target.InstanceId));
    }

    [Fact]
    public void NoTargets_PicksNothing()
        => Assert.Null(TargetSelector.Pick(Route(null, Group("default", 100)), default, Now, Random.Shared));

    [Fact]
    public void EveryTargetEjected_StillServes()
    {
        var route = Route(null, Group("default", 100, "i-1", "i-2"));
        _states.Get("i-1").Report(ForwarderError.Request);
        _states.Get("i-2").Report(ForwarderError.Request);

        Assert.NotNull(TargetSelector.Pick(route, default, Now, Random.Shared));
    }

    [Fact]
    public void Sticky_ClientNamingAServingTarget_GetsIt_EvenInAZeroWeightGroup()
    {
        var route = Route(new RoutePolicy { StickinessDuration = TimeSpan.FromHours(1) }, Group("blue", 100, "i-1", "i-2"), Group("green", 0, "i-3"));

        Assert.All(Enumerable.Range(0, 50), _ => Assert.Equal("i-2", TargetSelector.Pick(route, "i-2", Now, Random.Shared)!.Target.InstanceId));
        Assert.Equal("i-3", TargetSelector.Pick(route, "i-3", Now, Random.Shared)!.Target.InstanceId);
    }

    [Fact]
    public void Sticky_TargetGoneOrEjected_ClientIsBalancedAgain()
    {
        var route = Route(new RoutePolicy { StickinessDuration = TimeSpan.FromHours(1) }, Group("default", 100, "i-1", "i-2"));
        _states.Get("i-2").Report(ForwarderError.Request);

        Assert.Equal("i-1", TargetSelector.Pick(route, "i-2", Now, Random.Shared)!.Target.InstanceId);
        Assert.Equal("i-1", TargetSelector.Pick(route, "i-gone", Now, Random.Shared)!.Target.InstanceId);
    }
}
