namespace Sprout.Server.Builds;

/// <summary>
/// Turns a source bundle into a runnable slug: detect the platform, install dependencies,
/// compile, decide the start command. Builds are cached by the bundle's content hash, so a
/// redeploy or a scale-out never rebuilds.
/// </summary>
public interface IBuilder
{
    Task<BuildResult> BuildAsync(BuildRequest request, IProgress<string>? progress, CancellationToken cancellationToken);
}

/// <param name="BundlePath">The verified zip in the artifact store.</param>
/// <param name="BundleSha256">Lower-case hex; the cache key.</param>
public sealed record BuildRequest(string ApplicationName, string VersionLabel, string BundlePath, string BundleSha256);

/// <param name="SlugDirectory">Directory to start instances from (the app's root, the Procfile's base).</param>
/// <param name="Platform">node, python, dotnet, go, static or procfile.</param>
/// <param name="LogPath">The full build log, kept after the build.</param>
/// <param name="FailureTail">On failure: the last lines of the log, for the event.</param>
/// <param name="Cached">True when an earlier build of the same bundle was reused.</param>
public sealed record BuildResult(bool Succeeded, string? SlugDirectory, string? Platform, string? StartCommand, string LogPath, string? FailureTail, bool Cached);
