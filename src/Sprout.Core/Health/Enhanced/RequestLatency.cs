namespace Sprout.Core.Health.Enhanced;

/// <summary>Latency percentiles in seconds, as Beanstalk's ApplicationMetrics Latency reports them.</summary>
public sealed record RequestLatency(
    double P10,
    double P50,
    double P75,
    double P85,
    double P90,
    double P95,
    double P99,
    double P999);
