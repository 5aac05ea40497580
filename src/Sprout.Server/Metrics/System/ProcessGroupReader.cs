using System.Globalization;

namespace Sprout.Server.Metrics.SystemMetrics;

/// <summary>Sums <c>/proc/*/stat</c> over the members of process groups, in one pass over <c>/proc</c>.</summary>
public static class ProcessGroupReader
{
    /// <summary>Usage of each group in <paramref name="processGroups"/> that has at least one live member; zombies don't count.</summary>
    public static IReadOnlyDictionary<int, ProcessGroupUsage> Read(IReadOnlyCollection<int> processGroups)
    {
        ArgumentNullException.ThrowIfNull(processGroups);
        var wanted = processGroups.Where(g => g > 0).ToHashSet();
        var sums = new Dictionary<int, ProcessGroupUsage>();
        if (wanted.Count == 0)
        {
            return sums;
        }

        var pageSize = Environment.SystemPageSize;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || ProcFiles.TryReadAllText($"{directory}/stat") is not { } text
                || ProcessCpuStat.TryParse(pid, text) is not { } stat
                || !wanted.Contains(stat.ProcessGroup)
                || stat.State is 'Z' or 'X')
            {
                continue;
            }

            var sum = sums.GetValueOrDefault(stat.ProcessGroup) ?? new ProcessGroupUsage(stat.ProcessGroup, 0, 0, 0, 0);
            sums[stat.ProcessGroup] = sum with
            {
                ProcessCount = sum.ProcessCount + 1,
                UserTicks = sum.UserTicks + stat.UserTicks + stat.ReapedUserTicks,
                SystemTicks = sum.SystemTicks + stat.SystemTicks + stat.ReapedSystemTicks,
                ResidentBytes = sum.ResidentBytes + (stat.ResidentPages * pageSize),
            };
        }

        return sums;
    }
}
