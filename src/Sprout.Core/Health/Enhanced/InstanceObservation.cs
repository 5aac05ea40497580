using Sprout.Core.Model;

namespace Sprout.Core.Health.Enhanced;

/// <summary>Everything the enhanced rules know of one instance at one moment.</summary>
/// <param name="ActivityStartedAt">When <paramref name="Activity"/> began; null when there is none.</param>
/// <param name="ConsecutiveHealthCheckFailures">Active health checks failed in a row (0 after any success).</param>
/// <param name="LastHealthCheckFailure">The last failure's cause ("connection refused", "GET /health returned HTTP 500").</param>
/// <param name="Requests">What this instance answered over the window; null when the router has nothing for it.</param>
/// <param name="Cpu">CPU split over the last sample; null when not sampled.</param>
/// <param name="LoadAverage">Host 1-, 5- and 15-minute load averages; null when not sampled.</param>
/// <param name="LastReportedAt">When system metrics were last read for it; null when never.</param>
/// <param name="DeploymentId">Beanstalk's per-instance deployment counter, from 1.</param>
/// <param name="DeploymentStatus">"In Progress", "Deployed" or "Failed".</param>
/// <param name="DeploymentTime">Start of the deployment while in progress, else its end.</param>
public sealed record InstanceObservation(
    string InstanceId,
    InstanceState State,
    DateTimeOffset LaunchedAt,
    InstanceActivity Activity = InstanceActivity.None,
    DateTimeOffset? ActivityStartedAt = null,
    int ConsecutiveHealthCheckFailures = 0,
    string? LastHealthCheckFailure = null,
    RequestMetrics? Requests = null,
    CpuUtilization? Cpu = null,
    IReadOnlyList<double>? LoadAverage = null,
    DateTimeOffset? LastReportedAt = null,
    string? VersionLabel = null,
    long? DeploymentId = null,
    string? DeploymentStatus = null,
    DateTimeOffset? DeploymentTime = null);
