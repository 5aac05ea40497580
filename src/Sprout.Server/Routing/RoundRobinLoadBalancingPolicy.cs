using System.Runtime.CompilerServices;

namespace Sprout.Server.Routing;

/// <summary>Cycles through a target group's targets in order, one counter per published group.</summary>
public sealed class RoundRobinLoadBalancingPolicy : ILoadBalancingPolicy
{
    // Keyed by the group instance, so a republished group starts a fresh counter and a removed
    // environment's counter is collected with it.
    private readonly ConditionalWeakTable<TargetGroup, StrongBox<int>> _counters = new();

    public RouteTarget PickTarget(TargetGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var targets = group.Targets;
        if (targets.Count == 1)
        {
            return targets[0];
        }

        var counter = _counters.GetOrCreateValue(group);
        // Mask the sign bit so the index stays valid after the counter wraps.
        var next = (Interlocked.Increment(ref counter.Value) - 1) & int.MaxValue;
        return targets[next % targets.Count];
    }
}
