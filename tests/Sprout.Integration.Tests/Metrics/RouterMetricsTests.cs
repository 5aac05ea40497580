using Sprout.Server.Metrics;
using Sprout.Server.Routing;

namespace Sprout.Integration.Tests.Metrics;

public sealed class RouterMetricsTests
{
    private static readonly TimeSpan TenSeconds = TimeSpan.FromSeconds(10);

    [Fact]
    public void Snapshot_MixedStatuses_CountsAndPercentagesByClass()
    {
        var metrics = new RouterMetrics(new ManualTimeProvider());
        Record(metrics, "web", "i-1", 200, times: 6);
        Record(metrics, "web", "i-1", 304, times: 1);
        Record(metrics, "web", "i-1", 404, times: 1);
        Record(metrics, "web", "i-1", 499, times: 1, ForwarderError.RequestCanceled);
        Record(metrics, "web", "i-1", 502, times: 1, ForwarderError.Request);

        var window = metrics.Snapshot("web", null, TenSeconds);

        Assert.Equal(10, window.RequestCount);
        Assert.Equal((0, 6, 1, 2, 1, 0), (window.Status1xx, window.Status2xx, window.Status3xx, window.Status4xx, window.Status5xx, window.OtherStatusCount));
        Assert.Equal(60.0, window.Percent2xx, 6);
        Assert.Equal(20.0, window.Percent4xx, 6);
        Assert.Equal(10.0, window.Percent5xx, 6);
        Assert.Equal(1.0, window.RequestsPerSecond, 6);
        Assert.Equal(TenSeconds, window.Window);
    }

    [Fact]
    public void Write_FailureCauses_CountedPerCauseAndInstance()
    {
        var metrics = new RouterMetrics(new ManualTimeProvider());
        Record(metrics, "web", "i-1", 502, times: 2, ForwarderError.Request);
        Record(metrics, "web", "i-1", 504, times: 1, ForwarderError.RequestTimedOut);
        Record(metrics, "web", "", 503, times: 3, ForwarderError.NoAvailableTargets);
        Record(metrics, "web", "i-1", 200, times: 5);

        var text = PrometheusText.Parse(PrometheusWriter.ToText(metrics));

        var instanceFailures = text.Named("sprout_router_request_failures_total", "web", "i-1").ToDictionary(s => s.Labels["cause"], s => s.Value);
        Assert.Equal(new Dictionary<string, double> { ["request"] = 2, ["request_timed_out"] = 1 }, instanceFailures);
        var noTarget = Assert.Single(text.Named("sprout_router_request_failures_total", "web", ""));
        Assert.Equal(("no_available_targets", 3.0), (noTarget.Labels["cause"], noTarget.Value));
    }

    [Theory]
    [InlineData(0.10)]
    [InlineData(0.50)]
    [InlineData(0.75)]
    [InlineData(0.85)]
    [InlineData(0.90)]
    [InlineData(0.95)]
    [InlineData(0.99)]
    [InlineData(0.999)]
    public void Snapshot_UniformLatencies_PercentilesWithinOneBucket(double quantile)
    {
        var metrics = new RouterMetrics(new ManualTimeProvider());
        for (var milliseconds = 1; milliseconds <= 1000; milliseconds++)
        {
            metrics.RequestCompleted("web", "i-1", 200, TimeSpan.FromMilliseconds(milliseconds), ForwarderError.None);
        }

        var latency = metrics.Snapshot("web", null, TenSeconds).Latency!;

        var estimate = quantile switch
        {
            0.10 => latency.P10,
            0.50 => latency.P50,
            0.75 => latency.P75,
            0.85 => latency.P85,
            0.90 => latency.P90,
            0.95 => latency.P95,
            0.99 => latency.P99,
            _ => latency.P999,
        };
        var truth = quantile;
        const double bucketRatio = 1.42;
        Assert.InRange(estimate, truth / bucketRatio, truth * bucketRatio);
    }

    [Fact]
    public void Snapshot_ConstantLatency_AllPercentilesInItsBucket()
    {
        var metrics = new RouterMetrics(new ManualTimeProvider());
        Record(metrics, "web", "i-1", 200, times: 100, elapsed: TimeSpan.FromMilliseconds(20));

        var latency = metrics.Snapshot("web", "i-1", TenSeconds).Latency!;

        foreach (var value in new[] { latency.P10, latency.P50, latency.P99, latency.P999 })
        {
            Assert.InRange(value, 0.020 / 1.42, 0.020 * 1.42);
        }

        Assert.True(latency.P10 <= latency.P50 && latency.P50 <= latency.P99 && latency.P99 <= latency.P999);
    }

    [Fact]
    public void Snapshot_NoRequests_HasNoLatencyAndZeroCounts()
    {
        var metrics = new RouterMetrics(new ManualTimeProvider());

        var window = metrics.Snapshot("nobody", null, TenSeconds);

        Assert.Equal((0L, 0.0, 0.0), (window.RequestCount, window.RequestsPerSecond, window.Percent2xx));
        Assert.Null(window.Latency);
    }

    [Fact]
    public void Snapshot_WindowSlides_OlderSecondsDrop()
    {
        var clock = new ManualTimeProvider();
        var metrics = new RouterMetrics(clock);
        Record(metrics, "web", "i-1", 200, times: 5);
        clock.Advance(TimeSpan.FromSeconds(5));
        Record(metrics, "web", "i-1", 500, times: 3);

        Assert.Equal(8, metrics.Snapshot("web", null, TenSeconds).RequestCount);
        Assert.Equal(3, metrics.Snapshot("web", null, TimeSpan.FromSeconds(5)).RequestCount);

        clock.Advance(TimeSpan.FromSeconds(6));
        var slid = metrics.Snapshot("web", null, TenSeconds);
        Assert.Equal((3L, 3L), (slid.RequestCount, slid.Status5xx));

        // Sixty seconds after the first requests their slot is reused: the five 200s are gone, the 500s remain.
        clock.Advance(TimeSpan.FromSeconds(49));
        Record(metrics, "web", "i-1", 201, times: 1);
        var reused = metrics.Snapshot("web", null, RouterMetrics.MaxWindow);
        Assert.Equal((4L, 1L, 3L), (reused.RequestCount, reused.Status2xx, reused.Status5xx));
    }

    [Fact]
    public void Snapshot_WindowLongerThanTheRing_IsRejected()
    {
        var metrics = new RouterMetrics(new ManualTimeProvider());

        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.Snapshot("web", null, RouterMetrics.MaxWindow + TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => metrics.Snapshot("web", null, TimeSpan.Zero));
    }

    [Fact]
    public void Snapshot_PerInstanceAndPerEnvironment_AreSeparate()
    {
        var metrics = new RouterMetrics(new ManualTimeProvider());
        Record(metrics, "web", "i-1", 200, times: 4);
        Record(metrics, "web", "i-2", 500, times: 2);
        Record(metrics, "web", "", 503, times: 1, ForwarderError.NoAvailableTargets);
        Record(metrics, "api", "i-3", 200, times: 7);

        Assert.Equal(7, metrics.Snapshot("web", null, TenSeconds).RequestCount);
        Assert.Equal((4L, 4L), Counts(metrics.Snapshot("web", "i-1", TenSeconds)));
        Assert.Equal(2, metrics.Snapshot("web", "i-2", TenSeconds).Status5xx);
        Assert.Equal(1, metrics.Snapshot("web", "", TenSeconds).Status5xx);
        Assert.Equal(0, metrics.Snapshot("web", "i-3", TenSeconds).RequestCount);
        Assert.Equal(7, metrics.Snapshot("api", null, TenSeconds).RequestCount);

        static (long Requests, long Ok) Counts(MetricsWindow window) => (window.RequestCount, window.Status2xx);
    }

    [Fact]
    public void Forget_Instance_DropsItsSeriesButKeepsTheEnvironmentTotal()
    {
        var metrics = new RouterMetrics(new ManualTimeProvider());
        Record(metrics, "web", "i-1", 200, times: 4);
        Record(metrics, "web", "i-2", 200, times: 2);

        metrics.Forget("i-1");

        Assert.Equal(0, metrics.Snapshot("web", "i-1", TenSeconds).RequestCount);
        Assert.Equal(2, metrics.Snapshot("web", "i-2", TenSeconds).RequestCount);
        Assert.Equal(6, metrics.Snapshot("web", null, TenSeconds).RequestCount);
        var text = PrometheusText.Parse(PrometheusWriter.ToText(metrics));
        Assert.DoesNotContain(text.Samples, s => s.Labels["instance"] == "i-1");
    }

    [Fact]
    public void ForgetEnvironment_DropsEverything()
    {
        var metrics = new RouterMetrics(new ManualTimeProvider());
        Record(metrics, "web", "i-1", 200, times: 4);
        Record(metrics, "api", "i-2", 200, times: 1);

        metrics.ForgetEnvironment("web");

        Assert.Equal(0, metrics.Snapshot("web", null, TenSeconds).RequestCount);
        Assert.Equal(1, metrics.Snapshot("api", null, TenSeconds).RequestCount);
        Assert.DoesNotContain(PrometheusText.Parse(PrometheusWriter.ToText(metrics)).Samples, s => s.Labels["environment"] == "web");
    }

    [Fact]
    public async Task RequestCompleted_ConcurrentWriters_LoseNoCount()
    {
        var clock = new ManualTimeProvider();
        var metrics = new RouterMetrics(clock);
        const int perWriter = 20_000;

        await Task.WhenAll(Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            for (var i = 0; i < perWriter; i++)
            {
                metrics.RequestCompleted("web", "i-" + (w % 2), 200, TimeSpan.FromMilliseconds(i % 50), ForwarderError.None);
            }
        })));

        Assert.Equal(4 * perWriter, metrics.Snapshot("web", null, TenSeconds).RequestCount);
        Assert.Equal(2 * perWriter, metrics.Snapshot("web", "i-0", TenSeconds).RequestCount);
        var count = Assert.Single(PrometheusText.Parse(PrometheusWriter.ToText(metrics)).Named("sprout_router_request_duration_seconds_count", "web", "i-1"));
        Assert.Equal(2 * perWriter, count.Value);
    }

    [Fact]
    public void RequestCompleted_AfterWarmUp_AllocatesNothing()
    {
        var clock = new ManualTimeProvider();
        var metrics = new RouterMetrics(clock);
        string[] instances = ["i-1", "i-2", "i-3", ""];
        ForwarderError[] errors = [ForwarderError.None, ForwarderError.Request, ForwarderError.None, ForwarderError.NoAvailableTargets];
        RunCalls(metrics, clock, instances, errors, 1_000);

        var before = GC.GetAllocatedBytesForCurrentThread();
        RunCalls(metrics, clock, instances, errors, 10_000);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < 1024, $"10,000 calls allocated {allocated} bytes");
        Assert.Equal(11_000, metrics.Snapshot("web", null, RouterMetrics.MaxWindow).RequestCount);

        static void RunCalls(RouterMetrics metrics, ManualTimeProvider clock, string[] instances, ForwarderError[] errors, int calls)
        {
            for (var i = 0; i < calls; i++)
            {
                if (i % 500 == 0)
                {
                    // Crossing seconds exercises the slot rollover too.
                    clock.Advance(TimeSpan.FromMilliseconds(300));
                }

                metrics.RequestCompleted("web", instances[i % instances.Length], 200 + (i % 4 * 100), TimeSpan.FromTicks(1 + (i * 997L)), errors[i % errors.Length]);
            }
        }
    }

    [Fact]
    public async Task RequestCompleted_FromThreadsOnEveryCore_CountsEachRequestExactlyOnce()
    {
        // Counters are striped by core; whichever stripe a request lands on, the totals must add up.
        var metrics = new RouterMetrics(new ManualTimeProvider());
        const int PerThread = 20_000;
        var threads = Math.Max(Environment.ProcessorCount * 2, 4);
        var writers = Enumerable.Range(0, threads).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < PerThread; i++)
            {
                metrics.RequestCompleted(new RoutedRequest("web", "default", $"i-{t % 2}", i % 10 == 0 ? 500 : 200, TimeSpan.FromMilliseconds(2), i % 10 == 0 ? ForwarderError.Request : ForwarderError.None, 3, 7));
            }
        }));
        await Task.WhenAll(writers);

        var total = (long)threads * PerThread;
        var window = metrics.Snapshot("web", null, TenSeconds);
        Assert.Equal((total, total / 10), (window.RequestCount, window.Status5xx));
        Assert.Equal(total, metrics.Snapshot("web", "i-0", TenSeconds).RequestCount + metrics.Snapshot("web", "i-1", TenSeconds).RequestCount);
        Assert.Equal(total, metrics.SnapshotGroup("web", "default", TenSeconds).RequestCount);
        var text = PrometheusText.Parse(PrometheusWriter.ToText(metrics));
        Assert.Equal(total / 10, text.Named("sprout_router_request_failures_total", "web", "i-0").Concat(text.Named("sprout_router_request_failures_total", "web", "i-1")).Sum(s => s.Value));
        Assert.Equal(3.0 * total, text.Named("sprout_router_request_bytes_total", "web", "i-0").Concat(text.Named("sprout_router_request_bytes_total", "web", "i-1")).Sum(s => s.Value));
    }

    private static void Record(RouterMetrics metrics, string environment, string instance, int status, int times, ForwarderError error = ForwarderError.None, TimeSpan? elapsed = null)
    {
        for (var i = 0; i < times; i++)
        {
            metrics.RequestCompleted(environment, instance, status, elapsed ?? TimeSpan.FromMilliseconds(5), error);
        }
    }
}
