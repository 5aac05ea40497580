using System.Globalization;

namespace Sprout.Server.Runtime;

/// <summary>
/// .NET opens its own descriptors close-on-exec, but descriptors the server inherited from its
/// parent (a pipe of the shell or supervisor that started it) are passed on to every child. An
/// app holding the write end of such a pipe keeps whoever reads it waiting for EOF long after the
/// server is gone, so the driver marks them close-on-exec before it starts an app.
/// </summary>
internal static class InheritedDescriptors
{
    public static void MarkCloseOnExec()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        foreach (var entry in Directory.EnumerateFiles("/proc/self/fd"))
        {
            if (int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var fd) && fd > 2)
            {
                var flags = NativeMethods.fcntl(fd, NativeMethods.F_GETFD, 0);

                // -1: the enumeration's own descriptor, already closed again.
                if (flags >= 0 && (flags & NativeMethods.FD_CLOEXEC) == 0)
                {
                    _ = NativeMethods.fcntl(fd, NativeMethods.F_SETFD, flags | NativeMethods.FD_CLOEXEC);
                }
            }
        }
    }
}
