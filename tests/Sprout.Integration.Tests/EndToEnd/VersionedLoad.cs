using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>One answer the load got: when, the HTTP status (0 for a transport failure), and the version that served it.</summary>
internal sealed record LoadSample(DateTimeOffset At, int Status, string? Version, string? Error);

/// <summary>
/// Continuous requests through the router to one hostname from a few loops (lightly paced, so the shared machine
/// stays responsive), keeping every answer with the version the body names (<c>version=LABEL</c>): the traffic mix
/// can then be read per time window. Stops itself after <c>maxDuration</c>.
/// </summary>
internal sealed partial class VersionedLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _loops;
    private readonly ConcurrentQueue<LoadSample> _samples = new();

    private VersionedLoad(RouterClient router, string host, int concurrency, TimeSpan maxDuration)
    {
        _stop = new CancellationTokenSource(maxDuration);
        _loops = [.. Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => LoopAsync(router, host)))];
    }

    public IReadOnlyList<LoadSample> Samples => [.. _samples];

    public static VersionedLoad Start(RouterClient router, string host, int concurrency = 4, TimeSpan? maxDuration = null) =>
        new(router, host, concurrency, maxDuration ?? TimeSpan.FromSeconds(120));

    /// <summary>Waits until <paramref name="count"/> more answers of any kind arrived (the load is really flowing).</summary>
    public Task WaitForMoreAsync(int count, TimeSpan timeout)
    {
        var target = _samples.Count + count;
        return Poll.UntilAsync(() => Task.FromResult(_samples.Count), n => n >= target, timeout, $"{count} more answers under load");
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_loops);
    }

    private async Task LoopAsync(RouterClient router, string host)
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                var (status, body) = await router.GetAsync(host);
                var version = VersionPattern().Match(body) is { Success: true } match ? match.Groups[1].Value : null;
                _samples.Enqueue(new LoadSample(DateTimeOffset.UtcNow, status, version, status == 200 ? null : body[..Math.Min(body.Length, 200)]));
                await Task.Delay(5, _stop.Token);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (!_stop.IsCancellationRequested)
            {
                _samples.Enqueue(new LoadSample(DateTimeOffset.UtcNow, 0, null, $"{e.GetType().Name}: {e.Message}"));
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [GeneratedRegex(@"version=(\S+)")]
    private static partial Regex VersionPattern();

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
