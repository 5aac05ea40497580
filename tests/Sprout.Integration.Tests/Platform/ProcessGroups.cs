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

    /// <summary>
    /// Not yet fully exited: running, or a zombie leader whose other threads are still exiting. Those threads
    /// share its files, so its sockets (a listener among them) stay open until the last one has gone; a
    /// connection made in that moment is accepted by the kernel and then reset.
    /// </summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            return !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal)
                || Directory.GetDirectories($"/proc/{pid}/task").Length > 1;
        }
        catch (IOException)
        {
            return false; // no such process, or it ended while being read
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int KillNative(int pid, int signal);
}
