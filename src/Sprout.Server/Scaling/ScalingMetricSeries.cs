using Sprout.Core.Scaling;
using Sprout.Server.Metrics;
using Sprout.Server.Metrics.SystemMetrics;

namespace Sprout.Server.Scaling;

/// <summary>
/// One environment's metric series for the scaling planner, one sample per round (about a second), kept for
/// <see cref="Retention"/>. Names are the trigger's MeasureName values and target tracking's MetricName values:
/// <list type="bullet">
/// <item><c>RequestCount</c>: requests the router completed since the previous sample (use Statistic Sum for a per-period count).</item>
/// <item><c>RequestCountPerInstance</c>: requests per second per in-service instance since the previous sample.</item>
/// <item><c>Latency</c>: median request latency over the last 10 s, in seconds (ELB's Latency is an average; the median is its robust stand-in).</item>
/// <item><c>CPUUtilization</c>: average over in-service instances of their processes' share of the host's CPU, in percent.</item>
/// <item><c>NetworkOut</c> / <c>NetworkIn</c>: response / request body bytes through the router since the previous sample.</item>
/// </list>
/// Not thread-safe: one round at a time.
/// </summary>
internal sealed class ScalingMetricSeries
{
    public static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    private readonly Dictionary<string, Queue<MetricSample>> _series = new(StringComparer.Ordinal);
    private (DateTimeOffset At, long Requests, long RequestBytes, long ResponseBytes)? _previous;

    public void Record(DateTimeOffset now, RouterMetrics router, InstanceSystemMetrics system, string environmentName, IReadOnlyList<string> inServiceIds, int inService)
    {
        long requests = 0, requestBytes = 0, responseBytes = 0;
        foreach (var (environment, _, series) in router.InstanceSeries())
        {
            if (environment != environmentName)
            {
                continue;
            }

            for (var statusClass = 0; statusClass < StatusClasses.Count; statusClass++)
            {
                requests += series.StatusClassTotal(statusClass);
            }

            requestBytes += series.RequestBytesTotal;
            responseBytes += series.ResponseBytesTotal;
        }

        if (_previous is { } before && now > before.At)
        {
            // A forgotten (terminated) instance takes its counts with it; never report a negative amount.
            var requestDelta = Math.Max(0, requests - before.Requests);
            Add("RequestCount", now, requestDelta);
            Add("RequestCountPerInstance", now, requestDelta / (now - before.At).TotalSeconds / Math.Max(1, inService));
            Add("NetworkIn", now, Math.Max(0, requestBytes - before.RequestBytes));
            Add("NetworkOut", now, Math.Max(0, responseBytes - before.ResponseBytes));
        }

        _previous = (now, requests, requestBytes, responseBytes);
        if (router.Snapshot(environmentName, null, TimeSpan.FromSeconds(10)).Latency is { } latency)
        {
            Add("Latency", now, latency.P50);
        }

        var cpu = inServiceIds.Select(system.Of).Where(r => r?.Cpu is not null).Select(r => r!.Cpu!.TotalPercent).ToList();
        if (cpu.Count > 0)
        {
            Add("CPUUtilization", now, cpu.Average());
        }

        foreach (var queue in _series.Values)
        {
            while (queue.Count > 0 && now - queue.Peek().Timestamp > Retention)
            {
                queue.Dequeue();
            }
        }
    }

    public IReadOnlyDictionary<string, IReadOnlyList<MetricSample>> Snapshot() =>
        _series.ToDictionary(s => s.Key, s => (IReadOnlyList<MetricSample>)[.. s.Value], StringComparer.Ordinal);

    private void Add(string name, DateTimeOffset at, double value)
    {
        if (!_series.TryGetValue(name, out var queue))
        {
            queue = new Queue<MetricSample>();
            _series[name] = queue;
        }

        queue.Enqueue(new MetricSample(at, value));
    }
}
