using System.Globalization;

namespace Sprout.Server.Runtime;

/// <summary>
/// The driver's own note of a started process, written the moment it exists. The store learns
/// the handle a moment later; a server killed in between would otherwise forget a running
/// process. It lives in the root-owned instances directory, out of the app's reach, because the
/// server signals whatever pid it names.
/// </summary>
internal static class InstanceHandleRecord
{
    public static string PathOf(string instancesDirectory, string instanceId) => Path.Combine(instancesDirectory, instanceId + ".handle");

    public static void Write(string instancesDirectory, InstanceHandle handle)
    {
        var path = PathOf(instancesDirectory, handle.InstanceId);
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, string.Create(CultureInfo.InvariantCulture, $"{handle.Pid} {handle.ProcessStartTime} {handle.Port}\n"));
        File.Move(temporary, path, overwrite: true);
    }

    public static InstanceHandle? Read(string instancesDirectory, string instanceId)
    {
        var path = PathOf(instancesDirectory, instanceId);
        if (!File.Exists(path))
        {
            return null;
        }

        var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 3
            && int.TryParse(parts[0], CultureInfo.InvariantCulture, out var pid)
            && long.TryParse(parts[1], CultureInfo.InvariantCulture, out var startTime)
            && int.TryParse(parts[2], CultureInfo.InvariantCulture, out var port)
                ? new InstanceHandle(instanceId, pid, startTime, port, Path.Combine(instancesDirectory, instanceId))
                : null;
    }

    public static void Delete(string instancesDirectory, string instanceId) => File.Delete(PathOf(instancesDirectory, instanceId));
}
