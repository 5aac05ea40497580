using System.Globalization;

namespace Sprout.Server.Metrics.SystemMetrics;

/// <summary>
/// The host's CPU time since boot, summed over all CPUs, in clock ticks: the <c>cpu</c> line of <c>/proc/stat</c>.
/// <see cref="Cores"/> counts the <c>cpuN</c> lines.
/// </summary>
public readonly record struct HostCpuTimes(long User, long Nice, long System, long Idle, long IOWait, long IRQ, long SoftIRQ, long Steal, int Cores)
{
    public long Total => User + Nice + System + Idle + IOWait + IRQ + SoftIRQ + Steal;

    public static HostCpuTimes? TryRead() =>
        ProcFiles.TryReadAllText("/proc/stat") is { } text ? TryParse(text) : null;

    public static HostCpuTimes? TryParse(string procStat)
    {
        ArgumentNullException.ThrowIfNull(procStat);
        long[]? totals = null;
        var cores = 0;
        foreach (var line in procStat.Split('\n'))
        {
            if (line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                totals = ParseTicks(line);
            }
            else if (line.StartsWith("cpu", StringComparison.Ordinal) && line.Length > 3 && char.IsAsciiDigit(line[3]))
            {
                cores++;
            }
        }

        // Older kernels lack the later columns; four (user nice system idle) is the minimum ever written.
        if (totals is null || totals.Length < 4)
        {
            return null;
        }

        long At(int index) => index < totals.Length ? totals[index] : 0;
        return new HostCpuTimes(At(0), At(1), At(2), At(3), At(4), At(5), At(6), At(7), Math.Max(cores, 1));
    }

    private static long[]? ParseTicks(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var ticks = new long[fields.Length - 1];
        for (var i = 1; i < fields.Length; i++)
        {
            if (!long.TryParse(fields[i], NumberStyles.None, CultureInfo.InvariantCulture, out ticks[i - 1]))
            {
                return null;
            }
        }

        return ticks;
    }
}
