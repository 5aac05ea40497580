using System.IO.Compression;
using System.Security.Cryptography;
using Sprout.Server.Builds;

namespace Sprout.Integration.Tests.Builds;

/// <summary>A temporary data directory with a real <see cref="Builder"/> and helpers to turn folders into bundles.</summary>
public sealed class BuilderWorkspace : IDisposable
{
    public BuilderWorkspace()
        : this(appUser: null, buildTimeout: null)
    {
    }

    public BuilderWorkspace(string? appUser, TimeSpan? buildTimeout)
    {
        Root = Directory.CreateTempSubdirectory("sprout-builder-tests-").FullName;
        // The app user must be able to reach its staging directory through the data directory.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        Options = new BuilderOptions
        {
            SlugsDirectory = Path.Combine(Root, "slugs"),
            BuildsDirectory = Path.Combine(Root, "builds"),
            AppUser = appUser,
            BuildTimeout = buildTimeout ?? TimeSpan.FromMinutes(5),
        };
        Builder = new Builder(Options);
    }

    public string Root { get; }

    public BuilderOptions Options { get; }

    public Builder Builder { get; }

    public static string SamplesDirectory { get; } = FindSamplesDirectory();

    public static string Sample(string name) => Path.Combine(SamplesDirectory, name);

    /// <summary>Zips a folder's contents (not the folder) the way the CLI does, and names it by its hash.</summary>
    public BuildRequest Bundle(string sourceDirectory, string label = "v1")
    {
        var zip = Path.Combine(Root, $"bundle-{Guid.NewGuid():N}.zip");
        ZipFile.CreateFromDirectory(sourceDirectory, zip, CompressionLevel.Fastest, includeBaseDirectory: false);
        return Request(zip, label);
    }

    /// <summary>A bundle from in-memory files (path → text).</summary>
    public BuildRequest Bundle(IReadOnlyDictionary<string, string> files, string label = "v1")
    {
        var zip = Path.Combine(Root, $"bundle-{Guid.NewGuid():N}.zip");
        using (var archive = ZipFile.Open(zip, ZipArchiveMode.Create))
        {
            foreach (var (path, text) in files)
            {
                using var writer = new StreamWriter(archive.CreateEntry(path).Open());
                writer.Write(text);
            }
        }

        return Request(zip, label);
    }

    public string[] SlugEntries() =>
        Directory.Exists(Options.SlugsDirectory) ? Directory.GetFileSystemEntries(Options.SlugsDirectory) : [];

    public void Dispose()
    {
        Builder.Dispose();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static BuildRequest Request(string zip, string label)
    {
        using var stream = File.OpenRead(zip);
        var sha = Convert.ToHexStringLower(SHA256.HashData(stream));
        return new BuildRequest("sample", label, zip, sha);
    }

    private static string FindSamplesDirectory()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Sprout.slnx")))
            {
                return Path.Combine(directory.FullName, "samples");
            }
        }

        throw new InvalidOperationException("could not find the repository root (Sprout.slnx) above " + AppContext.BaseDirectory);
    }
}
