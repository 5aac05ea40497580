namespace Sprout.Core.Deployments;

/// <summary>What the router measured for one target group over an evaluation window.</summary>
/// <param name="Requests">Requests answered (any status).</param>
/// <param name="ServerErrors">Of those, 5xx answers, including the router's own 502/504 for the group.</param>
/// <param name="P99Latency">99th percentile time to the response headers.</param>
public sealed record RequestMetrics(long Requests, long ServerErrors, TimeSpan P99Latency)
{
    /// <summary>5xx share in percent; 0 without requests.</summary>
    public double ErrorRatePercent => Requests == 0 ? 0 : 100.0 * ServerErrors / Requests;
}
