namespace Sprout.Server.Routing;

/// <summary>How a target is chosen within a target group (ALB's <c>load_balancing.algorithm.type</c>).</summary>
public enum LoadBalancingAlgorithm
{
    /// <summary>Power of two choices: of two random targets, the one with fewer requests in flight.</summary>
    LeastOutstandingRequests,

    /// <summary>Each target in turn.</summary>
    RoundRobin,
}
