using System.Collections.Concurrent;
using System.Text.RegularExpressions;

namespace Sprout.Server.Builds;

/// <summary>
/// Builds source bundles into slugs under <see cref="BuilderOptions.SlugsDirectory"/>, once per bundle hash:
/// a finished slug is reused, and concurrent requests for the same bundle share one build.
/// </summary>
public sealed partial class Builder : IBuilder, IDisposable
{
    private readonly BuilderOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, Lazy<InFlightBuild>> _inFlight = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();

    public Builder(BuilderOptions options, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <summary>
    /// Builds the bundle, or returns the cached slug. The build itself is not stopped when the caller's token
    /// fires (another caller may share it, and its slug is still worth keeping); only the wait is. It is stopped
    /// by <see cref="BuilderOptions.BuildTimeout"/> and by <see cref="Dispose"/>.
    /// </summary>
    public async Task<BuildResult> BuildAsync(BuildRequest request, IProgress<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sha = request.BundleSha256;
        if (!IsSha256(sha))
        {
            throw new ArgumentException($"BundleSha256 must be 64 lower-case hex digits, got '{sha}'", nameof(request));
        }

        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        if (TryGetCached(sha) is { } cached)
        {
            progress?.Report($"-----> Using the cached slug of bundle {sha}");
            return cached;
        }

        Lazy<InFlightBuild>? candidate = null;
        candidate = new Lazy<InFlightBuild>(() => new InFlightBuild(sink => RunAndForgetAsync(request, candidate!, sink)));
        var build = _inFlight.GetOrAdd(sha, candidate).Value;
        using (build.Watch(progress))
        {
            return await build.Completion.WaitAsync(cancellationToken);
        }
    }

    private async Task<BuildResult> RunAndForgetAsync(BuildRequest request, Lazy<InFlightBuild> entry, IProgress<string> sink)
    {
        try
        {
            // Double-checked: a build of this bundle may have finished between the cache check and GetOrAdd.
            return TryGetCached(request.BundleSha256)
                ?? await new BuildSession(_options, _timeProvider, request, sink).RunAsync(_stopping.Token);
        }
        finally
        {
            _inFlight.TryRemove(new KeyValuePair<string, Lazy<InFlightBuild>>(request.BundleSha256, entry));
        }
    }

    /// <summary>The finished slug of a bundle, as a cached <see cref="BuildResult"/>, or null when it was never built.</summary>
    public BuildResult? TryGetCached(string bundleSha256)
    {
        ArgumentNullException.ThrowIfNull(bundleSha256);
        if (!IsSha256(bundleSha256))
        {
            return null;
        }

        var slugDirectory = GetSlugDirectory(bundleSha256);
        return SlugManifest.Load(slugDirectory) is { } manifest
            ? new BuildResult(true, slugDirectory, manifest.Platform, manifest.StartCommand, GetLogPath(bundleSha256), null, Cached: true)
            : null;
    }

    /// <summary>Where the slug of a bundle lives (whether or not it has been built).</summary>
    public string GetSlugDirectory(string bundleSha256) => Path.Combine(_options.SlugsDirectory, bundleSha256);

    /// <summary>Where the log of a bundle's last build is kept.</summary>
    public string GetLogPath(string bundleSha256) => Path.Combine(_options.BuildsDirectory, bundleSha256 + ".log");

    /// <summary>Stops running builds (their callers get a failed result); the builder takes no new ones.</summary>
    public void Dispose()
    {
        // Not disposed: builds still running read its token while they wind down.
        _stopping.Cancel();
    }

    internal static bool IsSha256(string? value) => value is not null && Sha256Pattern().IsMatch(value);

    [GeneratedRegex("^[0-9a-f]{64}$", RegexOptions.CultureInvariant)]
    private static partial Regex Sha256Pattern();
}
