using Sprout.Core.Deployments;

namespace Sprout.Core.Tests.Deployments;

public sealed class CanaryAnalysisTests
{
    private static readonly RequestMetrics Baseline = new(1000, 5, TimeSpan.FromMilliseconds(200));

    [Fact]
    public void SimilarErrorRateAndLatency_Passes()
    {
        var verdict = CanaryAnalysis.Compare(Baseline, new RequestMetrics(100, 1, TimeSpan.FromMilliseconds(250)), CanaryThresholds.Default);

        Assert.Equal(CanaryResult.Pass, verdict.Result);
        Assert.Contains("100 requests", verdict.Reasons.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void ErrorRateUpMoreThanAllowed_Fails()
    {
        var verdict = CanaryAnalysis.Compare(Baseline, new RequestMetrics(100, 4, TimeSpan.FromMilliseconds(200)), CanaryThresholds.Default);

        Assert.Equal(CanaryResult.Fail, verdict.Result);
        Assert.Equal("5xx rate 4 % for the new version against 0.5 % for the old one: up 3.5 points, more than the 1 allowed.", verdict.Reasons.Single());
    }

    [Fact]
    public void P99LatencyAboveTheRatio_Fails()
    {
        var verdict = CanaryAnalysis.Compare(Baseline, new RequestMetrics(100, 0, TimeSpan.FromMilliseconds(301)), CanaryThresholds.Default);

        Assert.Equal(CanaryResult.Fail, verdict.Result);
        Assert.StartsWith("p99 latency 301 ms", verdict.Reasons.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void LatencyBelowTheFloor_NeverFails()
    {
        var fast = new RequestMetrics(1000, 0, TimeSpan.FromMilliseconds(2));
        var verdict = CanaryAnalysis.Compare(fast, new RequestMetrics(100, 0, TimeSpan.FromMilliseconds(20)), CanaryThresholds.Default);

        Assert.Equal(CanaryResult.Pass, verdict.Result);
    }

    [Fact]
    public void ErrorRateExactlyAtTheLimit_Passes()
    {
        var verdict = CanaryAnalysis.Compare(new RequestMetrics(1000, 0, TimeSpan.FromMilliseconds(200)), new RequestMetrics(100, 1, TimeSpan.FromMilliseconds(200)), CanaryThresholds.Default);

        Assert.Equal(CanaryResult.Pass, verdict.Result);
    }

    [Fact]
    public void TooFewRequests_IsInconclusive_WithBothShortfallsNamed()
    {
        var verdict = CanaryAnalysis.Compare(new RequestMetrics(10, 0, TimeSpan.Zero), new RequestMetrics(3, 3, TimeSpan.FromSeconds(5)), CanaryThresholds.Default);

        Assert.Equal(CanaryResult.Inconclusive, verdict.Result);
        Assert.Equal(2, verdict.Reasons.Count);
        Assert.Contains("served 3 request(s); 50 are needed", verdict.Reasons[0], StringComparison.Ordinal);
    }
}
