namespace Sprout.Server.Metrics.SystemMetrics;

/// <summary>One group in a <see cref="SystemSample"/>. <see cref="Cpu"/> is null on the first sample of a group (there is nothing to compare with).</summary>
public sealed record ProcessGroupSample(int ProcessGroup, int ProcessCount, long ResidentBytes, ProcessGroupCpu? Cpu);
