using System.Collections.Concurrent;
using Sprout.Server.Routing;

namespace Sprout.Server.Metrics;

/// <summary>
/// Counts every routed request per environment and per instance: status classes, failure causes and a latency
/// histogram, both since start (for <see cref="PrometheusWriter"/>) and per second over the last
/// <see cref="MaxWindow"/> (for <see cref="Snapshot"/>, which enhanced health and auto scaling read).
/// Recording is lock-free and allocation-free once a series exists; the environment total is its own series,
/// so it survives <see cref="Forget"/> of an instance.
/// </summary>
public sealed class RouterMetrics : IRouterObserver
{
    /// <summary>The longest sliding window a snapshot can summarise.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromSeconds(RequestSeries.SlotCount);

    private readonly ConcurrentDictionary<string, EnvironmentSeries> _environments = new(StringComparer.Ordinal);
    private readonly TimeProvider _timeProvider;

    public RouterMetrics(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    public void RequestCompleted(in RoutedRequest request)
    {
        var second = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        var ticks = Math.Max(request.Elapsed.Ticks, 0);
        var environment = _environments.GetOrAdd(request.EnvironmentName, static _ => new EnvironmentSeries());
        environment.Total.Record(second, request.StatusCode, ticks, request.Error, request.RequestBytes, request.ResponseBytes);
        environment.Groups.GetOrAdd(request.GroupName, static _ => new RequestSeries()).Record(second, request.StatusCode, ticks, request.Error, request.RequestBytes, request.ResponseBytes);
        environment.Instances.GetOrAdd(request.InstanceId, static _ => new RequestSeries()).Record(second, request.StatusCode, ticks, request.Error, request.RequestBytes, request.ResponseBytes);
    }

    /// <summary>A request without a target group or body bytes (tests and tools).</summary>
    public void RequestCompleted(string environmentName, string instanceId, int statusCode, TimeSpan elapsed, ForwarderError error)
        => RequestCompleted(new RoutedRequest(environmentName, string.Empty, instanceId, statusCode, elapsed, error, 0, 0));

    /// <summary>
    /// Summarises the last <paramref name="window"/> (rounded up to whole seconds, the current one included)
    /// for an environment, or for one of its instances when <paramref name="instanceId"/> is given
    /// (empty string: requests that found no instance). Unknown names give an empty window.
    /// </summary>
    public MetricsWindow Snapshot(string environmentName, string? instanceId, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(environmentName);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, MaxWindow);

        RequestSeries? series = null;
        if (_environments.TryGetValue(environmentName, out var environment))
        {
            if (instanceId is null)
            {
                series = environment.Total;
            }
            else
            {
                environment.Instances.TryGetValue(instanceId, out series);
            }
        }

        return Summarise(environmentName, instanceId, series, window);
    }

    /// <summary>
    /// Summarises the last <paramref name="window"/> of one target group of an environment (a deployment's canary
    /// analysis compares the new version's group with the old one's). <see cref="MetricsWindow.InstanceId"/> is null.
    /// </summary>
    public MetricsWindow SnapshotGroup(string environmentName, string groupName, TimeSpan window)
    {
        ArgumentNullException.ThrowIfNull(environmentName);
        ArgumentNullException.ThrowIfNull(groupName);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(window, MaxWindow);

        RequestSeries? series = null;
        if (_environments.TryGetValue(environmentName, out var environment))
        {
            environment.Groups.TryGetValue(groupName, out series);
        }

        return Summarise(environmentName, null, series, window);
    }

    private MetricsWindow Summarise(string environmentName, string? instanceId, RequestSeries? series, TimeSpan window)
    {
        var seconds = (long)Math.Ceiling(window.TotalSeconds);
        var statusClasses = new long[StatusClasses.Count];
        var buckets = new long[LatencyBuckets.Count];
        var now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        series?.AddWindowTo(now - seconds + 1, now, statusClasses, buckets);

        var total = statusClasses.Sum();
        return new MetricsWindow(
            environmentName,
            instanceId,
            TimeSpan.FromSeconds(seconds),
            total,
            statusClasses[1],
            statusClasses[2],
            statusClasses[3],
            statusClasses[4],
            statusClasses[5],
            statusClasses[StatusClasses.Other],
            LatencyPercentiles.FromBuckets(buckets, buckets.Sum()));
    }

    /// <summary>Drops an instance's series in every environment (call once it is terminated). A request still in flight may recreate it.</summary>
    public void Forget(string instanceId)
    {
        ArgumentNullException.ThrowIfNull(instanceId);
        foreach (var environment in _environments.Values)
        {
            environment.Instances.TryRemove(instanceId, out _);
        }
    }

    /// <summary>Drops an environment and all its instances' series (call once it is terminated).</summary>
    public void ForgetEnvironment(string environmentName)
    {
        ArgumentNullException.ThrowIfNull(environmentName);
        _environments.TryRemove(environmentName, out _);
    }

    /// <summary>Per-instance series ordered by environment then instance, for exposition.</summary>
    internal IReadOnlyList<(string EnvironmentName, string InstanceId, RequestSeries Series)> InstanceSeries()
        => _environments
            .SelectMany(e => e.Value.Instances.Select(i => (EnvironmentName: e.Key, InstanceId: i.Key, Series: i.Value)))
            .OrderBy(s => s.EnvironmentName, StringComparer.Ordinal)
            .ThenBy(s => s.InstanceId, StringComparer.Ordinal)
            .ToList();

    /// <summary>Per-target-group series ordered by environment then group, for exposition.</summary>
    internal IReadOnlyList<(string EnvironmentName, string GroupName, RequestSeries Series)> GroupSeries()
        => _environments
            .SelectMany(e => e.Value.Groups.Where(g => g.Key.Length > 0).Select(g => (EnvironmentName: e.Key, GroupName: g.Key, Series: g.Value)))
            .OrderBy(s => s.EnvironmentName, StringComparer.Ordinal)
            .ThenBy(s => s.GroupName, StringComparer.Ordinal)
            .ToList();

    private sealed class EnvironmentSeries
    {
        public RequestSeries Total { get; } = new();

        public ConcurrentDictionary<string, RequestSeries> Groups { get; } = new(StringComparer.Ordinal);

        public ConcurrentDictionary<string, RequestSeries> Instances { get; } = new(StringComparer.Ordinal);
    }
}
