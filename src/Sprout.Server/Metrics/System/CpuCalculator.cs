using Sprout.Core.Health.Enhanced;

namespace Sprout.Server.Metrics.SystemMetrics;

/// <summary>
/// Turns two readings into percentages. Both host and process times are in the same clock ticks, so a group's share
/// is its tick delta over the host's total tick delta: no wall clock and no USER_HZ needed.
/// </summary>
public static class CpuCalculator
{
    /// <summary>The host's split between two readings; null when no time passed.</summary>
    public static CpuUtilization? Host(HostCpuTimes before, HostCpuTimes after)
    {
        var total = after.Total - before.Total;
        if (total <= 0)
        {
            return null;
        }

        double Percent(long earlier, long later) => 100.0 * Math.Max(0, later - earlier) / total;
        return new CpuUtilization(
            Percent(before.User, after.User),
            Percent(before.Nice, after.Nice),
            Percent(before.System, after.System),
            Percent(before.Idle, after.Idle),
            Percent(before.IOWait, after.IOWait),
            Percent(before.IRQ, after.IRQ),
            Percent(before.SoftIRQ, after.SoftIRQ));
    }

    /// <summary>
    /// A group's share between two readings; null when no host time passed. A member that exited without being reaped
    /// inside the group takes its ticks with it, so a negative delta counts as zero.
    /// </summary>
    public static ProcessGroupCpu? Group(ProcessGroupUsage before, ProcessGroupUsage after, HostCpuTimes hostBefore, HostCpuTimes hostAfter)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var total = hostAfter.Total - hostBefore.Total;
        if (total <= 0)
        {
            return null;
        }

        var user = Math.Max(0, after.UserTicks - before.UserTicks);
        var system = Math.Max(0, after.SystemTicks - before.SystemTicks);
        var userPercent = Math.Min(100, 100.0 * user / total);
        var systemPercent = Math.Min(100 - userPercent, 100.0 * system / total);
        return new ProcessGroupCpu(userPercent, systemPercent, (double)(user + system) / total * hostAfter.Cores);
    }
}
