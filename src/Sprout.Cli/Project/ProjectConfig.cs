using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace Sprout.Cli.Project;

/// <summary>
/// <c>.sprout/config.yml</c>, laid out like the EB CLI's <c>.elasticbeanstalk/config.yml</c>
/// (<c>global: {application_name, default_platform, server_url}</c>, <c>branch-defaults: {default: {environment}}</c>).
/// Keys Sprout does not know are kept as they are when the file is saved.
/// </summary>
public sealed class ProjectConfig
{
    public const string DirectoryName = ".sprout";

    public const string FileName = "config.yml";

    public const string DefaultBranch = "default";

    private readonly Dictionary<object, object?> _document;

    private ProjectConfig(string projectDirectory, Dictionary<object, object?> document)
    {
        ProjectDirectory = projectDirectory;
        _document = document;
    }

    /// <summary>The directory that holds <c>.sprout/</c>; its content is what gets bundled.</summary>
    public string ProjectDirectory { get; }

    public string FilePath => PathFor(ProjectDirectory);

    public string? ApplicationName
    {
        get => GetString("global", "application_name");
        set => Set("global", "application_name", value);
    }

    public string? DefaultPlatform
    {
        get => GetString("global", "default_platform");
        set => Set("global", "default_platform", value);
    }

    public string? ServerUrl
    {
        get => GetString("global", "server_url");
        set => Set("global", "server_url", value);
    }

    public static string PathFor(string projectDirectory) => Path.Combine(projectDirectory, DirectoryName, FileName);

    /// <summary>Looks for <c>.sprout/config.yml</c> in <paramref name="directory"/> and each parent, like git looks for <c>.git</c>.</summary>
    public static async Task<ProjectConfig?> FindAsync(string directory, CancellationToken cancellationToken)
    {
        for (var current = new DirectoryInfo(Path.GetFullPath(directory)); current is not null; current = current.Parent)
        {
            if (File.Exists(PathFor(current.FullName)))
            {
                return await LoadAsync(current.FullName, cancellationToken).ConfigureAwait(false);
            }
        }

        return null;
    }

    /// <summary>Reads the project's config, or starts an empty one (not yet written) when there is none.</summary>
    public static async Task<ProjectConfig> LoadOrCreateAsync(string projectDirectory, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(projectDirectory);
        return File.Exists(PathFor(fullPath))
            ? await LoadAsync(fullPath, cancellationToken).ConfigureAwait(false)
            : new ProjectConfig(fullPath, NewDocument());
    }

    public string? GetBranchEnvironment(string branch = DefaultBranch) => GetString("branch-defaults", branch, "environment");

    public void SetBranchEnvironment(string? environment, string branch = DefaultBranch) =>
        Set("branch-defaults", branch, "environment", environment);

    /// <summary>Writes to a temporary file and renames it over the old one, so a crash never leaves half a config.</summary>
    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        var path = FilePath;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var yaml = new SerializerBuilder().Build().Serialize(_document);
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, yaml, cancellationToken).ConfigureAwait(false);
        File.Move(temporary, path, overwrite: true);
    }

    private static async Task<ProjectConfig> LoadAsync(string projectDirectory, CancellationToken cancellationToken)
    {
        var path = PathFor(projectDirectory);
        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        Dictionary<object, object?>? document;
        try
        {
            document = new DeserializerBuilder().Build().Deserialize<Dictionary<object, object?>>(text);
        }
        catch (YamlException ex)
        {
            throw new UsageException($"{path} is not valid YAML ({ex.Start.Line}:{ex.Start.Column}: {ex.Message}). Fix it or run `sprout init` again.");
        }

        return new ProjectConfig(projectDirectory, document ?? NewDocument());
    }

    private static Dictionary<object, object?> NewDocument() => new()
    {
        ["branch-defaults"] = new Dictionary<object, object?> { [DefaultBranch] = new Dictionary<object, object?> { ["environment"] = null } },
        ["global"] = new Dictionary<object, object?>(),
    };

    private string? GetString(params string[] keys)
    {
        object? node = _document;
        foreach (var key in keys)
        {
            if (node is not IDictionary<object, object?> map || !map.TryGetValue(key, out node))
            {
                return null;
            }
        }

        return node is string text && text.Length > 0 ? text : null;
    }

    private void Set(params string?[] keysThenValue)
    {
        var map = (IDictionary<object, object?>)_document;
        for (var i = 0; i < keysThenValue.Length - 2; i++)
        {
            var key = keysThenValue[i]!;
            if (!map.TryGetValue(key, out var child) || child is not IDictionary<object, object?> childMap)
            {
                childMap = new Dictionary<object, object?>();
                map[key] = childMap;
            }

            map = childMap;
        }

        map[keysThenValue[^2]!] = keysThenValue[^1];
    }
}
