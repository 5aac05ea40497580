using System.Runtime.InteropServices;

namespace Sprout.Server.Runtime;

/// <summary>The few libc calls .NET has no managed API for: signalling a process group and changing a file's owner.</summary>
internal static class NativeMethods
{
    public const int SIGKILL = 9;
    public const int SIGTERM = 15;
    public const int ESRCH = 3;

    [DllImport("libc", SetLastError = true)]
    public static extern int kill(int pid, int sig);

    [DllImport("libc", SetLastError = true)]
    public static extern int getpgid(int pid);

    [DllImport("libc")]
    public static extern uint geteuid();

    // lchown: never follows a symlink out of the instance directory.
    [DllImport("libc", SetLastError = true)]
    public static extern int lchown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);
}
