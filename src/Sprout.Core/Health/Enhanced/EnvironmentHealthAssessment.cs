using Sprout.Core.Model;

namespace Sprout.Core.Health.Enhanced;

/// <summary>An environment, judged: its status and findings (worst first), the request totals judged, and every live instance.</summary>
public sealed record EnvironmentHealthAssessment(
    EnvironmentObservation Environment,
    HealthStatus Status,
    IReadOnlyList<HealthFinding> Findings,
    RequestMetrics? Requests,
    IReadOnlyList<InstanceHealthAssessment> Instances,
    DateTimeOffset RefreshedAt)
{
    public string EnvironmentName => Environment.EnvironmentName;

    public HealthColor Color => HealthStatuses.ColorOf(Status);

    public IReadOnlyList<string> Causes => [.. Findings.Select(f => f.Cause)];

    public InstanceHealthCounts InstanceCounts => InstanceHealthCounts.Of(Instances);

    /// <summary>The older shape the basic health API returns, so callers can switch over without change.</summary>
    public EnvironmentHealth ToEnvironmentHealth() => new(Color, Status.ToString(), Causes);
}
