using System.Globalization;
using System.Runtime.InteropServices;

namespace Sprout.Server.Runtime;

/// <summary>The fields of <c>/proc/&lt;pid&gt;/stat</c> the driver needs to recognise a process again.</summary>
/// <param name="State">One letter: R, S, D, Z (zombie), T, ...</param>
/// <param name="StartTime">Field 22: clock ticks after boot at which the process started; with the pid, it names one process for ever.</param>
internal readonly record struct ProcStat(int Pid, char State, int ProcessGroup, int Session, long StartTime)
{
    public bool IsZombie => State is 'Z' or 'X';

    public static ProcStat? TryRead(int pid)
    {
        if (pid <= 0)
        {
            return null;
        }

        string text;
        try
        {
            text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        return TryParse(pid, text);
    }

    public static ProcStat? TryParse(int pid, string text)
    {
        // The command name (field 2) is in parentheses and may itself contain spaces or ')'.
        var close = text.LastIndexOf(')');
        if (close < 0 || close + 2 >= text.Length)
        {
            return null;
        }

        // Fields from 3 (state) onwards.
        var fields = text[(close + 2)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        const int first = 3;
        if (fields.Length <= 22 - first
            || !int.TryParse(fields[5 - first], NumberStyles.Integer, CultureInfo.InvariantCulture, out var processGroup)
            || !int.TryParse(fields[6 - first], NumberStyles.Integer, CultureInfo.InvariantCulture, out var session)
            || !long.TryParse(fields[22 - first], NumberStyles.Integer, CultureInfo.InvariantCulture, out var startTime))
        {
            return null;
        }

        return new ProcStat(pid, fields[0][0], processGroup, session, startTime);
    }

    /// <summary>Processes in <paramref name="processGroup"/> that are still running (zombies don't count).</summary>
    public static bool GroupHasLiveMembers(int processGroup)
    {
        // kill(-pgid, 0) answers "no such group" cheaply; a group of zombies still answers yes, hence the scan.
        if (NativeMethods.kill(-processGroup, 0) != 0 && Marshal.GetLastPInvokeError() == NativeMethods.ESRCH)
        {
            return false;
        }

        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && TryRead(pid) is { } stat
                && stat.ProcessGroup == processGroup
                && !stat.IsZombie)
            {
                return true;
            }
        }

        return false;
    }
}
