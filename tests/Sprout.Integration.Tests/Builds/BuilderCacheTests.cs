using System.Diagnostics;

namespace Sprout.Integration.Tests.Builds;

public class BuilderCacheTests : IDisposable
{
    private readonly BuilderWorkspace _workspace = new();

    [Fact]
    public async Task Build_SameBundleTwice_SecondIsCachedAndFast()
    {
        var request = _workspace.Bundle(BuilderWorkspace.Sample("static"));
        var first = await _workspace.Builder.BuildAsync(request, null, CancellationToken.None);
        Assert.True(first.Succeeded, first.FailureTail);

        var stopwatch = Stopwatch.StartNew();
        var second = await _workspace.Builder.BuildAsync(request with { VersionLabel = "v2" }, null, CancellationToken.None);
        stopwatch.Stop();

        Assert.True(second.Succeeded);
        Assert.True(second.Cached);
        Assert.Equal(first with { Cached = true }, second);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"cache hit took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Build_CachedSlug_IsFoundByAFreshBuilder()
    {
        var request = _workspace.Bundle(BuilderWorkspace.Sample("static"));
        var first = await _workspace.Builder.BuildAsync(request, null, CancellationToken.None);
        using var restarted = new Sprout.Server.Builds.Builder(_workspace.Options);

        var cached = restarted.TryGetCached(request.BundleSha256);

        Assert.Equal(first with { Cached = true }, cached);
        Assert.Null(restarted.TryGetCached(new string('0', 64)));
    }

    [Fact]
    public async Task Build_ConcurrentRequestsForOneBundle_RunOnce()
    {
        var request = _workspace.Bundle(BuilderWorkspace.Sample("python"));

        var results = await Task.WhenAll(Enumerable.Range(0, 5).Select(i =>
            Task.Run(() => _workspace.Builder.BuildAsync(request with { VersionLabel = $"v{i}" }, null, CancellationToken.None))));

        // One build, one result object shared by every caller; a second build would have been a cache hit.
        Assert.All(results, r => Assert.Same(results[0], r));
        Assert.True(results[0].Succeeded, results[0].FailureTail);
        Assert.False(results[0].Cached);
        Assert.Single(await File.ReadAllLinesAsync(results[0].LogPath), l => l.StartsWith("-----> Building", StringComparison.Ordinal));
        Assert.Single(_workspace.SlugEntries());
    }

    [Fact]
    public async Task Build_CallerCancels_OnlyItsWaitStops_AndTheSlugStillLands()
    {
        var request = _workspace.Bundle(BuilderWorkspace.Sample("python"));
        using var cancelled = new CancellationTokenSource();
        var abandoned = _workspace.Builder.BuildAsync(request, null, cancelled.Token);
        var kept = _workspace.Builder.BuildAsync(request, null, CancellationToken.None);

        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => abandoned);
        var result = await kept;
        Assert.True(result.Succeeded, result.FailureTail);
        Assert.NotNull(Sprout.Server.Builds.SlugManifest.Load(result.SlugDirectory!));
    }

    public void Dispose() => _workspace.Dispose();
}
