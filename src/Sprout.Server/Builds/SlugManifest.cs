using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sprout.Server.Builds;

/// <summary>
/// What a finished slug is: written last into the staging directory, so a slug directory that has
/// one is complete. Kept under <c>.sprout/</c> so it cannot collide with the bundle's own files.
/// </summary>
public sealed record SlugManifest(
    [property: JsonPropertyName("platform")] string Platform,
    [property: JsonPropertyName("startCommand")] string StartCommand,
    [property: JsonPropertyName("builtAt")] DateTimeOffset BuiltAt,
    [property: JsonPropertyName("sha")] string Sha256)
{
    /// <summary>The manifest's path relative to the slug directory.</summary>
    public const string RelativePath = ".sprout/slug.json";

    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    public static string PathIn(string slugDirectory) => Path.Combine(slugDirectory, RelativePath);

    /// <summary>The manifest of a finished slug, or null when the directory holds none (or an unreadable one).</summary>
    public static SlugManifest? Load(string slugDirectory)
    {
        ArgumentNullException.ThrowIfNull(slugDirectory);
        try
        {
            var json = File.ReadAllText(PathIn(slugDirectory));
            return JsonSerializer.Deserialize<SlugManifest>(json, JsonOptions);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    /// <summary>Writes the manifest atomically (temporary file, then rename).</summary>
    public async Task SaveAsync(string slugDirectory, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(slugDirectory);
        var path = PathIn(slugDirectory);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + ".tmp";
        File.Delete(temporary); // a leftover (or a planted link) is replaced, never written through
        await using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
        {
            await JsonSerializer.SerializeAsync(stream, this, JsonOptions, cancellationToken);
            await stream.FlushAsync(cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
