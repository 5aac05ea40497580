using System.Globalization;
using System.Text.Json;
using Sprout.Core.Api;

namespace Sprout.Cli.Output;

/// <summary>
/// Where a verb writes. Results go to stdout; progress goes to stdout for people and to stderr under <c>--json</c>,
/// so that stdout then holds exactly one JSON document (or one per line when following).
/// </summary>
public sealed class CliOutput(CliContext context, bool json)
{
    private static readonly JsonSerializerOptions CompactJson = new(SproutJson.Options) { WriteIndented = false };

    public bool Json { get; } = json;

    public TextWriter Out { get; } = context.Out;

    public TextWriter Error { get; } = context.Error;

    public TextWriter Progress => Json ? Error : Out;

    public void WriteJson<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, SproutJson.Options));

    /// <summary>One JSON document per line, for streams (events --follow, logs --stream).</summary>
    public void WriteJsonLine<T>(T value) => Out.WriteLine(JsonSerializer.Serialize(value, CompactJson));

    public static string FormatTime(DateTimeOffset time) =>
        time.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string FormatSize(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.#} KB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.#} MB"),
    };
}
