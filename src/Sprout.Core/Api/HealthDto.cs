using Sprout.Core.Model;

namespace Sprout.Core.Api;

public sealed record EnvironmentHealthDto(
    string EnvironmentName,
    EnvironmentStatus Status,
    HealthColor Color,
    string HealthStatus,
    IReadOnlyList<string> Causes,
    IReadOnlyList<InstanceDto> Instances,
    DateTimeOffset RefreshedAt);
