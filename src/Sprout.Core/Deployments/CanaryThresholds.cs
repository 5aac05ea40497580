namespace Sprout.Core.Deployments;

/// <summary>When a canary counts as regressed against the old version (<c>sprout:deployment:canary</c> options).</summary>
/// <param name="MaxErrorRateIncrease">Allowed rise of the 5xx share, in percentage points (1 = from 0.5 % to 1.5 %).</param>
/// <param name="MaxP99LatencyRatio">Allowed p99 latency of the new version as a multiple of the old version's.</param>
/// <param name="MinimumRequests">Requests each side must have served before a verdict other than Inconclusive.</param>
/// <param name="LatencyFloor">p99 latencies below this never fail the comparison: a rise from 2 ms to 5 ms is noise.</param>
public sealed record CanaryThresholds(double MaxErrorRateIncrease, double MaxP99LatencyRatio, long MinimumRequests, TimeSpan LatencyFloor)
{
    public static CanaryThresholds Default { get; } = new(1.0, 1.5, 50, TimeSpan.FromMilliseconds(100));
}
