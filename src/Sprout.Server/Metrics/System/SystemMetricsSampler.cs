namespace Sprout.Server.Metrics.SystemMetrics;

/// <summary>
/// Samples the host and a set of process groups (one per instance) from <c>/proc</c>; each call compares with the
/// previous one to give CPU percentages. Call it on a timer (Beanstalk's agent reports every 10 s). Groups not asked
/// for in a call are forgotten, so a group that reappears starts afresh. Safe to call from several threads.
/// </summary>
public sealed class SystemMetricsSampler
{
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private HostCpuTimes? _previousHost;
    private Dictionary<int, (ProcessGroupUsage Usage, HostCpuTimes Host)> _previousGroups = [];

    public SystemMetricsSampler(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
    }

    public SystemSample Sample(IReadOnlyCollection<int> processGroups)
    {
        ArgumentNullException.ThrowIfNull(processGroups);
        lock (_lock)
        {
            var host = HostCpuTimes.TryRead();
            var usage = ProcessGroupReader.Read(processGroups);
            var groups = new Dictionary<int, ProcessGroupSample>();
            var remembered = new Dictionary<int, (ProcessGroupUsage, HostCpuTimes)>();
            foreach (var (group, current) in usage)
            {
                ProcessGroupCpu? cpu = null;
                var hasPrevious = _previousGroups.TryGetValue(group, out var previous);
                if (host is { } hostNow && hasPrevious)
                {
                    cpu = CpuCalculator.Group(previous.Usage, current, previous.Host, hostNow);
                }

                groups[group] = new ProcessGroupSample(group, current.ProcessCount, current.ResidentBytes, cpu);

                // Two calls within one clock tick have nothing to compare; keep the older baseline for the next call.
                if (cpu is null && hasPrevious)
                {
                    remembered[group] = previous;
                }
                else if (host is { } hostTimes)
                {
                    remembered[group] = (current, hostTimes);
                }
            }

            var hostCpu = host is { } after && _previousHost is { } before ? CpuCalculator.Host(before, after) : null;
            if (hostCpu is not null || _previousHost is null)
            {
                _previousHost = host ?? _previousHost;
            }

            _previousGroups = remembered;
            return new SystemSample(_timeProvider.GetUtcNow(), hostCpu, LoadAverage.TryRead(), groups);
        }
    }
}
