namespace Sprout.Server.Metrics;

/// <summary>
/// What the router saw for an environment (or one of its instances) over the last <see cref="Window"/>,
/// shaped like Beanstalk's ApplicationMetrics. <see cref="Latency"/> is null when there were no requests.
/// Status counts cover 1xx..5xx; <see cref="OtherStatusCount"/> holds codes outside 100..599.
/// </summary>
public sealed record MetricsWindow(
    string EnvironmentName,
    string? InstanceId,
    TimeSpan Window,
    long RequestCount,
    long Status1xx,
    long Status2xx,
    long Status3xx,
    long Status4xx,
    long Status5xx,
    long OtherStatusCount,
    LatencyPercentiles? Latency)
{
    public double RequestsPerSecond => Window > TimeSpan.Zero ? RequestCount / Window.TotalSeconds : 0;

    public double Percent1xx => Percent(Status1xx);

    public double Percent2xx => Percent(Status2xx);

    public double Percent3xx => Percent(Status3xx);

    public double Percent4xx => Percent(Status4xx);

    public double Percent5xx => Percent(Status5xx);

    private double Percent(long count) => RequestCount == 0 ? 0 : 100.0 * count / RequestCount;
}
