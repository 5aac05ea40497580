using System.Collections.Concurrent;

namespace Sprout.Integration.Tests.Platform;

/// <summary>
/// Continuous requests through the router to one environment from a few concurrent loops, bounded in
/// time (it stops itself at <c>maxDuration</c>), loopback only. Counts successes and keeps every failure.
/// </summary>
public sealed class RouterLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop;
    private readonly Task[] _loops;
    private readonly ConcurrentQueue<string> _failures = new();
    private long _succeeded;

    private RouterLoad(RouterClient router, string host, int concurrency, TimeSpan maxDuration)
    {
        _stop = new CancellationTokenSource(maxDuration);
        _loops = Enumerable.Range(0, concurrency).Select(_ => Task.Run(() => LoopAsync(router, host))).ToArray();
    }

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public IReadOnlyCollection<string> Failures => _failures;

    public static RouterLoad Start(RouterClient router, string host, int concurrency = 6, TimeSpan? maxDuration = null)
        => new(router, host, concurrency, maxDuration ?? TimeSpan.FromSeconds(90));

    /// <summary>Waits until at least <paramref name="count"/> more requests have succeeded (the load is really flowing).</summary>
    public Task WaitForMoreAsync(int count, TimeSpan timeout)
    {
        var target = Succeeded + count;
        return Poll.UntilAsync(() => Task.FromResult(Succeeded), n => n >= target, timeout, $"{count} more successful requests under load");
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
                if (status == 200)
                {
                    Interlocked.Increment(ref _succeeded);
                }
                else
                {
                    _failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} HTTP {status}: {body[..Math.Min(body.Length, 200)]}");
                }
            }
            catch (Exception e) when (!_stop.IsCancellationRequested)
            {
                _failures.Enqueue($"{DateTime.UtcNow:HH:mm:ss.fff} {e.GetType().Name}: {e.Message}");
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }
}
