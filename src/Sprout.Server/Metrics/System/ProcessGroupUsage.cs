namespace Sprout.Server.Metrics.SystemMetrics;

/// <summary>
/// One process group (one instance) at one moment: how many processes it has, the CPU ticks they used (including
/// children they reaped) and their resident memory.
/// </summary>
public sealed record ProcessGroupUsage(int ProcessGroup, int ProcessCount, long UserTicks, long SystemTicks, long ResidentBytes);
