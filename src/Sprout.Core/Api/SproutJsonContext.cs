using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sprout.Core.Api;

/// <summary>
/// Serialization code generated at build time for every type the API exchanges. Without it each short-lived CLI process
/// builds its serializers by reflection and emitted IL, about a tenth of a second of CPU per command before the first
/// answer is read; on a busy machine that is most of what a command costs. Types missing here still work, by reflection.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ApplicationDto))]
[JsonSerializable(typeof(IReadOnlyList<ApplicationDto>))]
[JsonSerializable(typeof(CreateApplicationRequest))]
[JsonSerializable(typeof(ApplicationMetricsDto))]
[JsonSerializable(typeof(ConfigurationDto))]
[JsonSerializable(typeof(DeploymentProgressDto))]
[JsonSerializable(typeof(EnvironmentDto))]
[JsonSerializable(typeof(IReadOnlyList<EnvironmentDto>))]
[JsonSerializable(typeof(CreateEnvironmentRequest))]
[JsonSerializable(typeof(DeployRequest))]
[JsonSerializable(typeof(ScaleRequest))]
[JsonSerializable(typeof(UpdateConfigurationRequest))]
[JsonSerializable(typeof(SwapRequest))]
[JsonSerializable(typeof(SwapResultDto))]
[JsonSerializable(typeof(CloneRequest))]
[JsonSerializable(typeof(ShiftRequest))]
[JsonSerializable(typeof(ShiftResultDto))]
[JsonSerializable(typeof(EnvironmentHealthDescriptionDto))]
[JsonSerializable(typeof(EnvironmentHealthDto))]
[JsonSerializable(typeof(InstancesHealthDescriptionDto))]
[JsonSerializable(typeof(ErrorDto))]
[JsonSerializable(typeof(EventDto))]
[JsonSerializable(typeof(IReadOnlyList<EventDto>))]
[JsonSerializable(typeof(LogsDto))]
[JsonSerializable(typeof(VersionDto))]
[JsonSerializable(typeof(IReadOnlyList<VersionDto>))]
public sealed partial class SproutJsonContext : JsonSerializerContext;
