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

    public const int F_GETFD = 1;
    public const int F_SETFD = 2;
    public const int FD_CLOEXEC = 1;

    // fcntl is variadic in C; an int third argument travels like a fixed one on the Linux x64/arm64 ABIs.
    [DllImport("libc", SetLastError = true)]
    public static extern int fcntl(int fd, int cmd, int arg);

    [DllImport("libc")]
    public static extern uint geteuid();

    // lchown: never follows a symlink out of the instance directory.
    [DllImport("libc", SetLastError = true)]
    public static extern int lchown([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int owner, int group);
}
