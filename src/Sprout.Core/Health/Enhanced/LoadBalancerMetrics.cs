namespace Sprout.Core.Health.Enhanced;

/// <summary>
/// What the router (Sprout's load balancer) answered itself over a window, as opposed to what instances answered:
/// Beanstalk's ELB rules look at these. <see cref="RequestCount"/> is every request the router received for the
/// environment; <see cref="Generated4xx"/> and <see cref="Generated5xx"/> are the responses it produced without an
/// instance answering (no healthy instance, connection refused, timeout).
/// </summary>
public sealed record LoadBalancerMetrics(TimeSpan Duration, long RequestCount, long Generated4xx, long Generated5xx)
{
    public double Percent4xx => RequestCount == 0 ? 0 : 100.0 * Generated4xx / RequestCount;

    public double Percent5xx => RequestCount == 0 ? 0 : 100.0 * Generated5xx / RequestCount;
}
