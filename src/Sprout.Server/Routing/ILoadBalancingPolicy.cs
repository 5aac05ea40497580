namespace Sprout.Server.Routing;

/// <summary>Chooses which in-service instance of a target group gets the next request.</summary>
public interface ILoadBalancingPolicy
{
    /// <summary>Picks one of <paramref name="group"/>'s targets; only called with at least one target.</summary>
    RouteTarget PickTarget(TargetGroup group);
}
