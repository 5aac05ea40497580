using Sprout.Core.Model;

namespace Sprout.Core.Health.Enhanced;

/// <summary>One instance, judged: the worst status its rules asked for, and every finding, worst first.</summary>
public sealed record InstanceHealthAssessment(InstanceObservation Instance, HealthStatus Status, IReadOnlyList<HealthFinding> Findings)
{
    public string InstanceId => Instance.InstanceId;

    public HealthColor Color => HealthStatuses.ColorOf(Status);

    public IReadOnlyList<string> Causes => [.. Findings.Select(f => f.Cause)];
}
