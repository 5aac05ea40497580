using Sprout.Core.Api;

namespace Sprout.Core.Health.Enhanced;

/// <summary>Turns assessments into Beanstalk's DescribeEnvironmentHealth and DescribeInstancesHealth shapes.</summary>
public static class HealthDescriptions
{
    public static EnvironmentHealthDescriptionDto DescribeEnvironment(EnvironmentHealthAssessment assessment)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        var counts = assessment.InstanceCounts;
        return new EnvironmentHealthDescriptionDto(
            assessment.EnvironmentName,
            assessment.Status,
            assessment.Environment.Status,
            assessment.Color,
            assessment.Causes,
            ApplicationMetrics(assessment.Requests, asPercentages: true),
            new InstanceHealthSummaryDto(counts.NoData, counts.Unknown, counts.Pending, counts.Ok, counts.Info, counts.Warning, counts.Degraded, counts.Severe),
            assessment.RefreshedAt);
    }

    /// <param name="availabilityZone">Where an instance runs (Sprout: the host's name), or null.</param>
    /// <param name="instanceType">What an instance is (Sprout: "process" or "container"), or null.</param>
    public static InstancesHealthDescriptionDto DescribeInstances(
        EnvironmentHealthAssessment assessment, Func<InstanceObservation, string?>? availabilityZone = null, Func<InstanceObservation, string?>? instanceType = null)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        return new InstancesHealthDescriptionDto(
            [.. assessment.Instances.Select(i => DescribeInstance(i, availabilityZone?.Invoke(i.Instance), instanceType?.Invoke(i.Instance)))],
            assessment.RefreshedAt);
    }

    public static SingleInstanceHealthDto DescribeInstance(InstanceHealthAssessment assessment, string? availabilityZone = null, string? instanceType = null)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        var instance = assessment.Instance;
        var system = instance.Cpu is null && instance.LoadAverage is null
            ? null
            : new SystemStatusDto(
                instance.Cpu is { } cpu ? new CpuUtilizationDto(Round(cpu.User), Round(cpu.Nice), Round(cpu.System), Round(cpu.Idle), Round(cpu.IOWait), Round(cpu.IRQ), Round(cpu.SoftIRQ), cpu.Privileged) : null,
                instance.LoadAverage);
        var deployment = instance.VersionLabel is null && instance.DeploymentId is null
            ? null
            : new InstanceDeploymentDto(instance.VersionLabel, instance.DeploymentId, instance.DeploymentStatus, instance.DeploymentTime);
        return new SingleInstanceHealthDto(
            instance.InstanceId,
            assessment.Status,
            assessment.Color,
            assessment.Causes,
            instance.LaunchedAt,
            ApplicationMetrics(instance.Requests, asPercentages: false),
            system,
            deployment,
            availabilityZone,
            instanceType);
    }

    /// <summary>Beanstalk reports status-code percentages for an environment and counts for an instance.</summary>
    public static ApplicationMetricsDto? ApplicationMetrics(RequestMetrics? requests, bool asPercentages)
    {
        if (requests is null)
        {
            return null;
        }

        int Code(long count, double percent) => asPercentages ? (int)Math.Round(percent) : (int)Math.Min(count, int.MaxValue);
        return new ApplicationMetricsDto(
            (int)Math.Round(requests.Duration.TotalSeconds),
            (int)Math.Round(requests.RequestsPerSecond),
            new StatusCodesDto(
                Code(requests.Status2xx, requests.Percent2xx),
                Code(requests.Status3xx, requests.Percent3xx),
                Code(requests.Status4xx, requests.Percent4xx),
                Code(requests.Status5xx, requests.Percent5xx)),
            requests.Latency is { } l
                ? new LatencyDto(Seconds(l.P999), Seconds(l.P99), Seconds(l.P95), Seconds(l.P90), Seconds(l.P85), Seconds(l.P75), Seconds(l.P50), Seconds(l.P10))
                : null);
    }

    // Beanstalk reports latency with millisecond resolution.
    private static double Seconds(double value) => Math.Round(value, 3);

    private static double Round(double percent) => Math.Round(percent, 1);
}
