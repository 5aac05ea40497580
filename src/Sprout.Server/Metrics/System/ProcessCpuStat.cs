using System.Globalization;

namespace Sprout.Server.Metrics.SystemMetrics;

/// <summary>
/// The fields of <c>/proc/&lt;pid&gt;/stat</c> that measure a process: its group, CPU ticks (its own and those of
/// children it has reaped, so time does not vanish when a child exits) and resident pages.
/// </summary>
internal readonly record struct ProcessCpuStat(int Pid, int ProcessGroup, char State, long UserTicks, long SystemTicks, long ReapedUserTicks, long ReapedSystemTicks, long ResidentPages)
{
    public static ProcessCpuStat? TryParse(int pid, string text)
    {
        // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return null;
        }

        var fields = text[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int first = 3;
        long Field(int number) => long.TryParse(fields[number - first], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) ? value : 0;
        if (fields.Length <= 24 - first || !int.TryParse(fields[5 - first], NumberStyles.Integer, CultureInfo.InvariantCulture, out var processGroup))
        {
            return null;
        }

        return new ProcessCpuStat(pid, processGroup, fields[0][0], Field(14), Field(15), Field(16), Field(17), Field(24));
    }
}
