using System.Text.Json.Serialization;
using Sprout.Core.Health.Enhanced;
using Sprout.Core.Model;

namespace Sprout.Core.Api;

/// <summary>
/// Beanstalk's DescribeEnvironmentHealth result, with Beanstalk's property names whatever the serializer's naming policy.
/// </summary>
public sealed record EnvironmentHealthDescriptionDto(
    [property: JsonPropertyName("EnvironmentName")] string EnvironmentName,
    [property: JsonPropertyName("HealthStatus")] HealthStatus HealthStatus,
    [property: JsonPropertyName("Status"), JsonConverter(typeof(JsonStringEnumConverter<EnvironmentStatus>))] EnvironmentStatus Status,
    [property: JsonPropertyName("Color"), JsonConverter(typeof(JsonStringEnumConverter<HealthColor>))] HealthColor Color,
    [property: JsonPropertyName("Causes")] IReadOnlyList<string> Causes,
    [property: JsonPropertyName("ApplicationMetrics")] ApplicationMetricsDto? ApplicationMetrics,
    [property: JsonPropertyName("InstancesHealth")] InstanceHealthSummaryDto InstancesHealth,
    [property: JsonPropertyName("RefreshedAt")] DateTimeOffset RefreshedAt);

/// <summary>Beanstalk's InstanceHealthSummary: how many instances are in each status.</summary>
public sealed record InstanceHealthSummaryDto(
    [property: JsonPropertyName("NoData")] int NoData,
    [property: JsonPropertyName("Unknown")] int Unknown,
    [property: JsonPropertyName("Pending")] int Pending,
    [property: JsonPropertyName("Ok")] int Ok,
    [property: JsonPropertyName("Info")] int Info,
    [property: JsonPropertyName("Warning")] int Warning,
    [property: JsonPropertyName("Degraded")] int Degraded,
    [property: JsonPropertyName("Severe")] int Severe);
