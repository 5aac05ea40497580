namespace Sprout.Core.Health.Enhanced;

/// <summary>How many instances are in each status (Beanstalk's InstanceHealthSummary; Suspended is not counted there).</summary>
public sealed record InstanceHealthCounts(int NoData, int Unknown, int Pending, int Ok, int Info, int Warning, int Degraded, int Severe)
{
    public static InstanceHealthCounts Of(IEnumerable<InstanceHealthAssessment> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        var counts = instances.GroupBy(i => i.Status).ToDictionary(g => g.Key, g => g.Count());
        int Count(HealthStatus status) => counts.GetValueOrDefault(status);
        return new InstanceHealthCounts(
            Count(HealthStatus.NoData),
            Count(HealthStatus.Unknown),
            Count(HealthStatus.Pending),
            Count(HealthStatus.Ok),
            Count(HealthStatus.Info),
            Count(HealthStatus.Warning),
            Count(HealthStatus.Degraded),
            Count(HealthStatus.Severe));
    }
}
