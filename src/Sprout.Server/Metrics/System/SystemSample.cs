using Sprout.Core.Health.Enhanced;

namespace Sprout.Server.Metrics.SystemMetrics;

/// <summary>
/// What <see cref="SystemMetricsSampler"/> read at <see cref="At"/>: the host's CPU split since the previous sample
/// (null on the first), its load averages, and each requested process group that still has live members.
/// </summary>
public sealed record SystemSample(DateTimeOffset At, CpuUtilization? HostCpu, LoadAverage? LoadAverage, IReadOnlyDictionary<int, ProcessGroupSample> Groups);
