using System.Text.Json.Serialization;
using Sprout.Core.Health.Enhanced;
using Sprout.Core.Model;

namespace Sprout.Core.Api;

/// <summary>Beanstalk's DescribeInstancesHealth result, with Beanstalk's property names.</summary>
public sealed record InstancesHealthDescriptionDto(
    [property: JsonPropertyName("InstanceHealthList")] IReadOnlyList<SingleInstanceHealthDto> InstanceHealthList,
    [property: JsonPropertyName("RefreshedAt")] DateTimeOffset RefreshedAt,
    [property: JsonPropertyName("NextToken")] string? NextToken = null);

/// <summary>Beanstalk's SingleInstanceHealth.</summary>
public sealed record SingleInstanceHealthDto(
    [property: JsonPropertyName("InstanceId")] string InstanceId,
    [property: JsonPropertyName("HealthStatus")] HealthStatus HealthStatus,
    [property: JsonPropertyName("Color"), JsonConverter(typeof(JsonStringEnumConverter<HealthColor>))] HealthColor Color,
    [property: JsonPropertyName("Causes")] IReadOnlyList<string> Causes,
    [property: JsonPropertyName("LaunchedAt")] DateTimeOffset LaunchedAt,
    [property: JsonPropertyName("ApplicationMetrics")] ApplicationMetricsDto? ApplicationMetrics,
    [property: JsonPropertyName("System")] SystemStatusDto? System,
    [property: JsonPropertyName("Deployment")] InstanceDeploymentDto? Deployment,
    [property: JsonPropertyName("AvailabilityZone")] string? AvailabilityZone,
    [property: JsonPropertyName("InstanceType")] string? InstanceType);

/// <summary>
/// Beanstalk's SystemStatus: CPU split (percent over the last sample) and the 1-, 5- and 15-minute load averages.
/// <see cref="MemoryRssBytes"/> is Sprout's addition (resident memory of the instance's processes); Beanstalk has no such field.
/// </summary>
public sealed record SystemStatusDto(
    [property: JsonPropertyName("CPUUtilization")] CpuUtilizationDto? CPUUtilization,
    [property: JsonPropertyName("LoadAverage")] IReadOnlyList<double>? LoadAverage,
    [property: JsonPropertyName("MemoryRSSBytes")] long? MemoryRssBytes = null);

/// <summary>Beanstalk's CPUUtilization, in percent; <see cref="Privileged"/> is Windows-only.</summary>
public sealed record CpuUtilizationDto(
    [property: JsonPropertyName("User")] double User,
    [property: JsonPropertyName("Nice")] double Nice,
    [property: JsonPropertyName("System")] double System,
    [property: JsonPropertyName("Idle")] double Idle,
    [property: JsonPropertyName("IOWait")] double IOWait,
    [property: JsonPropertyName("IRQ")] double IRQ,
    [property: JsonPropertyName("SoftIRQ")] double SoftIRQ,
    [property: JsonPropertyName("Privileged")] double? Privileged);

/// <summary>Beanstalk's Deployment of one instance: Status is "In Progress", "Deployed" or "Failed".</summary>
public sealed record InstanceDeploymentDto(
    [property: JsonPropertyName("VersionLabel")] string? VersionLabel,
    [property: JsonPropertyName("DeploymentId")] long? DeploymentId,
    [property: JsonPropertyName("Status")] string? Status,
    [property: JsonPropertyName("DeploymentTime")] DateTimeOffset? DeploymentTime);
