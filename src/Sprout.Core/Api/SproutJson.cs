using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Sprout.Core.Api;

/// <summary>The one JSON shape the API speaks and the CLI reads: camelCase names, enums as their names.</summary>
public static class SproutJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static void Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        options.Converters.Add(new JsonStringEnumConverter());

        // Generated metadata first (no reflection at start-up), reflection for anything it does not list.
        options.TypeInfoResolver = JsonTypeInfoResolver.Combine(SproutJsonContext.Default, new DefaultJsonTypeInfoResolver());
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        Configure(options);
        options.WriteIndented = true;
        return options;
    }
}
