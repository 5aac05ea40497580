namespace Sprout.Core.Health.Enhanced;

/// <summary>
/// Thresholds of the enhanced health rules. Beanstalk does not publish its numbers; these are Sprout's, written down
/// in docs/health-rules.md, and every one can be changed through the <c>aws:elasticbeanstalk:healthreporting:system</c>
/// ConfigDocument (see <see cref="HealthConfigDocument"/>).
/// </summary>
public sealed record EnhancedHealthOptions
{
    public static EnhancedHealthOptions Default { get; } = new();

    /// <summary>Percent of an instance's (or the environment's) requests answered with 5xx.</summary>
    public RuleThresholds ApplicationRequests5xx { get; init; } = new(true, 1, 10, 25);

    /// <summary>Percent answered with 4xx. On by default, as in Beanstalk; bots and scanners are the usual reason to turn it off.</summary>
    public RuleThresholds ApplicationRequests4xx { get; init; } = new(true, 10, 50, 90);

    /// <summary>P99 latency in seconds. Beanstalk has no latency rule, so this one is off by default.</summary>
    public RuleThresholds ApplicationLatencyP99 { get; init; } = new(false, 1, 3, 10);

    /// <summary>Percent of the environment's requests the router itself answered with 5xx (no instance could).</summary>
    public RuleThresholds ELBRequests5xx { get; init; } = new(true, 1, 10, 25);

    /// <summary>Percent of the environment's requests the router itself answered with 4xx.</summary>
    public RuleThresholds ELBRequests4xx { get; init; } = new(true, 10, 50, 90);

    /// <summary>Percent of CPU in use (100 − idle). Never Severe by default: a busy instance still serves.</summary>
    public RuleThresholds CPUUtilization { get; init; } = new(true, 90, 95, double.PositiveInfinity);

    /// <summary>Consecutive failed health checks of an instance in service.</summary>
    public RuleThresholds HealthCheckFailures { get; init; } = new(true, 1, 3, double.PositiveInfinity);

    /// <summary>Request-percentage and latency rules stay silent below this many requests in the window: 1 failure in 3 is not a rate.</summary>
    public long MinimumRequestCount { get; init; } = 10;

    /// <summary>
    /// How long a launch or deployment may run before its instance's failures count (Beanstalk: command Timeout 600 s
    /// plus 240 s). Take it from <c>aws:elasticbeanstalk:command Timeout</c> + 240 s.
    /// </summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(840);

    /// <summary>An in-service instance whose system metrics are older than this reports NoData.</summary>
    public TimeSpan NoDataAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Percent of live instances with Degraded or Severe health at which the environment is Degraded (below it: Warning).</summary>
    public double InstancesImpairedDegradedPercent { get; init; } = 50;
}
