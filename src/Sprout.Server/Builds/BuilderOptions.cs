namespace Sprout.Server.Builds;

/// <summary>Where <see cref="Builder"/> works and keeps its output, and what it runs builds with.</summary>
public sealed record BuilderOptions
{
    /// <summary>Finished slugs, one directory per bundle hash: <c>&lt;SlugsDirectory&gt;/&lt;sha256&gt;</c>.</summary>
    public required string SlugsDirectory { get; init; }

    /// <summary>Staging directories, build logs (<c>&lt;sha256&gt;.log</c>, kept) and caches shared across builds.</summary>
    public required string BuildsDirectory { get; init; }

    /// <summary>When the server runs as root, build commands run as this user. Null (or not root) runs them as the server's user.</summary>
    public string? AppUser { get; init; }

    /// <summary>The whole build (install and compile) is stopped after this long.</summary>
    public TimeSpan BuildTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public string DotnetPath { get; init; } = "dotnet";

    public string NpmPath { get; init; } = "npm";

    public string GoPath { get; init; } = "go";

    /// <summary>The system interpreter python venvs are created from (not a pyenv shim: the venv must outlive the build user's PATH).</summary>
    public string Python3Path { get; init; } = "/usr/bin/python3";

    /// <summary>Files larger than this are not read when detecting the platform.</summary>
    public long MaxInspectedFileBytes { get; init; } = 1024 * 1024;

    /// <summary>Lines of the build log returned as <see cref="BuildResult.FailureTail"/>.</summary>
    public int FailureTailLines { get; init; } = 20;

    public static BuilderOptions FromServerOptions(ServerOptions server)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new BuilderOptions { SlugsDirectory = server.SlugsDirectory, BuildsDirectory = server.BuildsDirectory, AppUser = server.AppUser };
    }
}
