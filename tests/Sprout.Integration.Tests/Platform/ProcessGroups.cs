using System.Runtime.InteropServices;

namespace Sprout.Integration.Tests.Platform;

/// <summary>Signals a process group the test created (never processes found by name).</summary>
internal static partial class ProcessGroups
{
    private const int SigKill = 9;
    private const int SigTerm = 15;

    public static void Kill(int processGroupId)
    {
        if (processGroupId > 1)
        {
            _ = KillNative(-processGroupId, SigKill);
        }
    }

    public static void Terminate(int processGroupId)
    {
        if (processGroupId > 1)
        {
            _ = KillNative(-processGroupId, SigTerm);
        }
    }

    /// <summary>Running: neither gone nor a zombie (whose sockets and files are already closed).</summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // no such process, or it ended while being read
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);
}
