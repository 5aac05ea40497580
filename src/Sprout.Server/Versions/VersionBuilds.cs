using Microsoft.Extensions.Logging;
using Sprout.Core.Model;
using Sprout.Server.Artifacts;
using Sprout.Server.Builds;
using Sprout.Server.Store;

namespace Sprout.Server.Versions;

/// <summary>
/// Builds uploaded versions in the background, two at a time at most (builds are CPU-heavy and
/// the machine is small), and records the outcome. Versions left Processing by a server that
/// died mid-build are built again at start.
/// </summary>
internal sealed class VersionBuilds(SproutStore store, IBuilder builder, IArtifactStore artifacts, ILogger<VersionBuilds> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _slots = new(2, 2);
    private readonly CancellationTokenSource _life = new();
    private readonly List<Task> _running = [];
    private readonly Lock _gate = new();
    private int _disposed;

    public void Enqueue(string application, string label, string bundleSha256)
    {
        var task = Task.Run(() => BuildAsync(application, label, bundleSha256, _life.Token));
        lock (_gate)
        {
            _running.RemoveAll(t => t.IsCompleted);
            _running.Add(task);
        }
    }

    public async Task ResumeAsync(CancellationToken cancellationToken)
    {
        foreach (var version in await store.ListVersionsAsync(null, cancellationToken))
        {
            if (version.Status == VersionStatus.Processing)
            {
                Enqueue(version.Application, version.Label, version.BundleSha256);
            }
        }
    }

    private async Task BuildAsync(string application, string label, string sha, CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        try
        {
            var bundle = artifacts.GetBundlePath(sha);
            if (bundle is null)
            {
                await store.FinishVersionBuildAsync(application, label, false, null, null, null, "The source bundle is missing from the artifact store.", cancellationToken);
                return;
            }

            await store.AppendEventAsync(new EventDraft(EventSeverity.INFO, $"Building application version {label}.", application, VersionLabel: label), cancellationToken);
            var result = await builder.BuildAsync(new BuildRequest(application, label, bundle, sha), null, cancellationToken);
            if (result.Succeeded)
            {
                var note = result.Cached ? " (reused the cached build of the same bundle)" : "";
                await store.AppendEventAsync(new EventDraft(EventSeverity.INFO, $"Detected platform {result.Platform}; start command: {result.StartCommand}{note}.", application, VersionLabel: label), cancellationToken);
            }

            await store.FinishVersionBuildAsync(application, label, result.Succeeded, result.Platform, result.StartCommand, result.SlugDirectory, result.FailureTail, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Left Processing on purpose: the next start builds it again.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Build of {Application} {Label} failed unexpectedly", application, label);
            await store.FinishVersionBuildAsync(application, label, false, null, null, null, $"internal error: {e.Message}", CancellationToken.None);
        }
        finally
        {
            _slots.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _life.CancelAsync();
        Task[] running;
        lock (_gate)
        {
            running = [.. _running];
        }

        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _life.Dispose();
    }
}
