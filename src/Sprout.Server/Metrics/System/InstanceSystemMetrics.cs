namespace Sprout.Server.Metrics.SystemMetrics;

/// <summary>
/// The latest system reading of every instance, keyed by instance id: one <see cref="SystemMetricsSampler"/> shared by
/// the server, fed every few seconds with all instances' process groups at once (one pass over <c>/proc</c>), read by
/// enhanced health, auto scaling and <c>/metrics</c>. An instance absent from a round is dropped.
/// </summary>
public sealed class InstanceSystemMetrics
{
    private readonly SystemMetricsSampler _sampler;
    private volatile Readings _latest = new(null, new Dictionary<string, InstanceSystemReading>(StringComparer.Ordinal));

    public InstanceSystemMetrics(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _sampler = new SystemMetricsSampler(timeProvider);
    }

    /// <summary>The host's last sample (load average, host CPU); null before the first round.</summary>
    public SystemSample? Host => _latest.Host;

    /// <summary>Every instance read in the last round, by instance id.</summary>
    public IReadOnlyDictionary<string, InstanceSystemReading> All => _latest.Instances;

    /// <summary>The last reading of one instance; null when it was never read (or its processes are gone).</summary>
    public InstanceSystemReading? Of(string instanceId) => _latest.Instances.GetValueOrDefault(instanceId);

    /// <summary>Reads every instance's process group now. A group seen for the first time has no CPU yet; the next round has.</summary>
    public void Sample(IReadOnlyDictionary<string, int> processGroupsByInstance)
    {
        ArgumentNullException.ThrowIfNull(processGroupsByInstance);
        var sample = _sampler.Sample([.. processGroupsByInstance.Values.Distinct()]);
        var previous = _latest.Instances;
        var readings = new Dictionary<string, InstanceSystemReading>(StringComparer.Ordinal);
        foreach (var (instanceId, group) in processGroupsByInstance)
        {
            if (!sample.Groups.TryGetValue(group, out var groupSample))
            {
                continue;
            }

            // Two rounds inside one clock tick give no CPU; keep showing the last known split rather than none.
            var cpu = groupSample.Cpu ?? (previous.TryGetValue(instanceId, out var before) && before.ProcessGroup == group ? before.Cpu : null);
            readings[instanceId] = new InstanceSystemReading(instanceId, group, groupSample.ProcessCount, groupSample.ResidentBytes, cpu, sample.At);
        }

        _latest = new Readings(sample, readings);
    }

    private sealed record Readings(SystemSample? Host, IReadOnlyDictionary<string, InstanceSystemReading> Instances);
}

/// <summary>One instance's processes at <see cref="At"/>: how many, their resident memory, and their CPU share since the previous round (null on the first).</summary>
public sealed record InstanceSystemReading(string InstanceId, int ProcessGroup, int ProcessCount, long ResidentBytes, ProcessGroupCpu? Cpu, DateTimeOffset At);
