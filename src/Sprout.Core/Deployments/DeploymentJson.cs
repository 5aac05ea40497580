using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sprout.Core.Deployments;

/// <summary>How plans and states are stored: camelCase JSON, enums as names, steps tagged by <c>kind</c>.</summary>
public static class DeploymentJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    public static string Serialize(DeploymentState state) => JsonSerializer.Serialize(state, Options);

    public static DeploymentState Deserialize(string json) =>
        JsonSerializer.Deserialize<DeploymentState>(json, Options) ?? throw new JsonException("The deployment state is empty.");
}
