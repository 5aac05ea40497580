using System.Globalization;

namespace Sprout.Core.Deployments;

/// <summary>Compares the new version's router metrics with the old version's over the same window.</summary>
public static class CanaryAnalysis
{
    public static CanaryVerdict Compare(RequestMetrics baseline, RequestMetrics canary, CanaryThresholds thresholds)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(canary);
        ArgumentNullException.ThrowIfNull(thresholds);

        var shortfalls = new List<string>();
        if (canary.Requests < thresholds.MinimumRequests)
        {
            shortfalls.Add($"The new version served {canary.Requests} request(s); {thresholds.MinimumRequests} are needed to judge it.");
        }

        if (baseline.Requests < thresholds.MinimumRequests)
        {
            shortfalls.Add($"The old version served {baseline.Requests} request(s); {thresholds.MinimumRequests} are needed to compare against.");
        }

        if (shortfalls.Count > 0)
        {
            return new CanaryVerdict(CanaryResult.Inconclusive, shortfalls);
        }

        var failures = new List<string>();
        var increase = canary.ErrorRatePercent - baseline.ErrorRatePercent;
        if (increase > thresholds.MaxErrorRateIncrease)
        {
            failures.Add(string.Format(CultureInfo.InvariantCulture,
                "5xx rate {0:0.##} % for the new version against {1:0.##} % for the old one: up {2:0.##} points, more than the {3:0.##} allowed.",
                canary.ErrorRatePercent, baseline.ErrorRatePercent, increase, thresholds.MaxErrorRateIncrease));
        }

        if (canary.P99Latency > thresholds.LatencyFloor && baseline.P99Latency > TimeSpan.Zero)
        {
            var ratio = canary.P99Latency / baseline.P99Latency;
            if (ratio > thresholds.MaxP99LatencyRatio)
            {
                failures.Add(string.Format(CultureInfo.InvariantCulture,
                    "p99 latency {0:0} ms for the new version against {1:0} ms for the old one: {2:0.##}×, more than the {3:0.##}× allowed.",
                    canary.P99Latency.TotalMilliseconds, baseline.P99Latency.TotalMilliseconds, ratio, thresholds.MaxP99LatencyRatio));
            }
        }

        return failures.Count > 0
            ? new CanaryVerdict(CanaryResult.Fail, failures)
            : new CanaryVerdict(CanaryResult.Pass,
            [
                string.Format(CultureInfo.InvariantCulture,
                    "New version: {0} requests, {1:0.##} % 5xx, p99 {2:0} ms; old version: {3} requests, {4:0.##} % 5xx, p99 {5:0} ms.",
                    canary.Requests, canary.ErrorRatePercent, canary.P99Latency.TotalMilliseconds,
                    baseline.Requests, baseline.ErrorRatePercent, baseline.P99Latency.TotalMilliseconds),
            ]);
    }
}
