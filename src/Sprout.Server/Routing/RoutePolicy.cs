namespace Sprout.Server.Routing;

/// <summary>
/// Per-environment balancing rules, from Beanstalk's <c>aws:elasticbeanstalk:environment:process:default</c>
/// options (StickinessEnabled, StickinessLBCookieDuration) and the ALB's algorithm setting.
/// </summary>
public sealed record RoutePolicy
{
    public static RoutePolicy Default { get; } = new();

    public LoadBalancingAlgorithm Algorithm { get; init; } = LoadBalancingAlgorithm.LeastOutstandingRequests;

    /// <summary>How long a client sticks to the target that first served it (the cookie's lifetime); null when stickiness is off.</summary>
    public TimeSpan? StickinessDuration { get; init; }
}
