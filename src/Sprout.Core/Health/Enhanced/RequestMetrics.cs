namespace Sprout.Core.Health.Enhanced;

/// <summary>
/// Requests answered over the last <see cref="Duration"/>: counts per status class and latency percentiles
/// (null when there were no requests). <see cref="RequestCount"/> includes codes outside 2xx–5xx.
/// </summary>
public sealed record RequestMetrics(
    TimeSpan Duration,
    long RequestCount,
    long Status2xx,
    long Status3xx,
    long Status4xx,
    long Status5xx,
    RequestLatency? Latency = null)
{
    public static RequestMetrics Empty(TimeSpan duration) => new(duration, 0, 0, 0, 0, 0);

    public double Percent2xx => Percent(Status2xx);

    public double Percent3xx => Percent(Status3xx);

    public double Percent4xx => Percent(Status4xx);

    public double Percent5xx => Percent(Status5xx);

    /// <summary>Beanstalk's RequestCount: average requests per second over the window.</summary>
    public double RequestsPerSecond => Duration > TimeSpan.Zero ? RequestCount / Duration.TotalSeconds : 0;

    /// <summary>Adds two windows of the same length (used to total instances into an environment); latencies become the larger of each percentile.</summary>
    public RequestMetrics Plus(RequestMetrics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new RequestMetrics(
            Duration > other.Duration ? Duration : other.Duration,
            RequestCount + other.RequestCount,
            Status2xx + other.Status2xx,
            Status3xx + other.Status3xx,
            Status4xx + other.Status4xx,
            Status5xx + other.Status5xx,
            MaxOf(Latency, other.Latency));
    }

    // Percentiles of two populations cannot be merged exactly; the larger of each is an upper bound, which is the safe side for health.
    private static RequestLatency? MaxOf(RequestLatency? a, RequestLatency? b) =>
        a is null ? b
        : b is null ? a
        : new RequestLatency(
            Math.Max(a.P10, b.P10),
            Math.Max(a.P50, b.P50),
            Math.Max(a.P75, b.P75),
            Math.Max(a.P85, b.P85),
            Math.Max(a.P90, b.P90),
            Math.Max(a.P95, b.P95),
            Math.Max(a.P99, b.P99),
            Math.Max(a.P999, b.P999));

    private double Percent(long count) => RequestCount == 0 ? 0 : 100.0 * count / RequestCount;
}
