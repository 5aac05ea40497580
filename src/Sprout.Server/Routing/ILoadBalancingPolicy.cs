namespace Sprout.Server.Routing;

/// <summary>Chooses which in-service instance of an environment gets the next request.</summary>
public interface ILoadBalancingPolicy
{
    /// <summary>Picks one of <paramref name="route"/>'s targets; only called with at least one target.</summary>
    RouteTarget PickTarget(EnvironmentRoute route);
}
