using System.Runtime.CompilerServices;

namespace Sprout.Server.Routing;

/// <summary>Cycles through an environment's targets in order, one counter per published route.</summary>
public sealed class RoundRobinLoadBalancingPolicy : ILoadBalancingPolicy
{
    // Keyed by the route instance, so a republished route starts a fresh counter and a removed
    // environment's counter is collected with it.
    private readonly ConditionalWeakTable<EnvironmentRoute, StrongBox<int>> _counters = new();

    public RouteTarget PickTarget(EnvironmentRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        var targets = route.Targets;
        if (targets.Count == 1)
        {
            return targets[0];
        }

        var counter = _counters.GetOrCreateValue(route);
        // Mask the sign bit so the index stays valid after the counter wraps.
        var next = (Interlocked.Increment(ref counter.Value) - 1) & int.MaxValue;
        return targets[next % targets.Count];
    }
}
