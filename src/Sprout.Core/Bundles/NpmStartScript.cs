using System.Text.Json;

namespace Sprout.Core.Bundles;

/// <summary>
/// A Node.js app's <c>scripts.start</c>, run the way <c>npm start</c> runs it (<c>sh -c</c> in the app directory, with
/// <c>node_modules/.bin</c> on PATH and npm's lifecycle variables) but without npm itself. npm costs about 0.35 s of
/// CPU before the app starts and stays resident as its parent (about 60 MB per instance); on a busy host that CPU is
/// most of an instance's start. Only packages whose start means nothing more than the script qualify: no
/// <c>prestart</c>/<c>poststart</c> hooks and no <c>config</c> (npm exports it as variables); the caller also keeps npm
/// when the app has an <c>.npmrc</c>, which can change how npm runs scripts.
/// </summary>
public sealed record NpmStartScript(string Script, string? PackageName, string? PackageVersion)
{
    public const string NpmStartCommand = "npm start";

    public const string PackageFileName = "package.json";

    public const string NpmrcFileName = ".npmrc";

    /// <summary>The start script of <paramref name="packageJson"/>, or null when only npm itself runs it faithfully.</summary>
    public static NpmStartScript? TryParse(string packageJson)
    {
        ArgumentNullException.ThrowIfNull(packageJson);
        try
        {
            using var document = JsonDocument.Parse(packageJson, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || root.TryGetProperty("config", out _)
                || !root.TryGetProperty("scripts", out var scripts)
                || scripts.ValueKind != JsonValueKind.Object
                || scripts.TryGetProperty("prestart", out _)
                || scripts.TryGetProperty("poststart", out _)
                || !scripts.TryGetProperty("start", out var start)
                || start.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(start.GetString()))
            {
                return null;
            }

            return new NpmStartScript(start.GetString()!, StringOrNull(root, "name"), StringOrNull(root, "version"));
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// The variables npm sets for a script, given the app directory, the PATH the app would get otherwise, and the
    /// <c>node</c> executable found on it (null when none is).
    /// </summary>
    public IReadOnlyDictionary<string, string> Environment(string appDirectory, string path, string? nodePath)
    {
        ArgumentException.ThrowIfNullOrEmpty(appDirectory);
        ArgumentNullException.ThrowIfNull(path);
        if (appDirectory[0] != '/')
        {
            throw new ArgumentException($"The app directory must be absolute: '{appDirectory}'.", nameof(appDirectory));
        }

        var variables = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = string.Join(':', path.Length == 0 ? BinDirectories(appDirectory) : [.. BinDirectories(appDirectory), path]),
            ["INIT_CWD"] = appDirectory,
            ["npm_command"] = "start",
            ["npm_lifecycle_event"] = "start",
            ["npm_lifecycle_script"] = Script,
            ["npm_package_json"] = appDirectory.TrimEnd('/') + "/" + PackageFileName,
        };
        if (PackageName is not null)
        {
            variables["npm_package_name"] = PackageName;
        }

        if (PackageVersion is not null)
        {
            variables["npm_package_version"] = PackageVersion;
        }

        if (nodePath is not null)
        {
            variables["NODE"] = nodePath;
            variables["npm_node_execpath"] = nodePath;
        }

        return variables;
    }

    /// <summary><c>node_modules/.bin</c> of the app directory and of each directory above it, nearest first, as npm puts them on PATH.</summary>
    private static IEnumerable<string> BinDirectories(string appDirectory)
    {
        var directory = appDirectory.TrimEnd('/');
        while (directory.Length > 0)
        {
            yield return directory + "/node_modules/.bin";
            directory = directory[..directory.LastIndexOf('/')];
        }

        yield return "/node_modules/.bin";
    }

    private static string? StringOrNull(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
