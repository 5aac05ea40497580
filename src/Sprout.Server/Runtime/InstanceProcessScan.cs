using System.Globalization;
using System.Text;

namespace Sprout.Server.Runtime;

/// <summary>
/// Finds an instance's process without its handle note: a server killed between starting a process
/// and writing the note leaves an app running that nobody knows. Every instance process is started
/// with <c>HOME</c> set to its own instance directory, which names it uniquely; the scan looks for
/// the session leader carrying that value, so it can be adopted instead of being left to hold the
/// port while a second copy is started.
/// </summary>
internal static class InstanceProcessScan
{
    private const int MaxEnvironmentBytes = 256 * 1024;

    /// <summary>The newest session leader started for <paramref name="instanceDirectory"/>, with the port it was given.</summary>
    public static (ProcStat Leader, int Port)? FindSessionLeader(string instanceDirectory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceDirectory);
        var marker = Encoding.UTF8.GetBytes("HOME=" + instanceDirectory + "\0");
        (ProcStat Leader, int Port)? found = null;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || ProcStat.TryRead(pid) is not { } stat
                || stat.Session != pid
                || stat.IsZombie
                || ReadEnvironment(pid) is not { } environment
                || !Contains(environment, marker))
            {
                continue;
            }

            // Two leaders for one instance cannot both be right; the newest is the one a restart would have recorded.
            if (found is not { } previous || stat.StartTime > previous.Leader.StartTime)
            {
                found = (stat, PortOf(environment));
            }
        }

        return found;
    }

    private static byte[]? ReadEnvironment(int pid)
    {
        try
        {
            using var stream = File.OpenRead($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/environ");
            var buffer = new byte[MaxEnvironmentBytes];
            var length = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return buffer[..length];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Whole entries only: the entry must start the block or follow a NUL.</summary>
    private static bool Contains(ReadOnlySpan<byte> environment, byte[] entry)
        => environment.StartsWith(entry) || environment.IndexOf((byte[])[0, .. entry]) >= 0;

    private static int PortOf(ReadOnlySpan<byte> environment)
    {
        foreach (var range in environment.Split((byte)0))
        {
            var entry = environment[range];
            if (entry.StartsWith("PORT="u8) && int.TryParse(entry["PORT=".Length..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
            {
                return port;
            }
        }

        return 0;
    }
}
