namespace Sprout.Server.Metrics.SystemMetrics;

/// <summary>Reads small <c>/proc</c> files; a file that vanished (its process exited) or is unreadable gives null.</summary>
internal static class ProcFiles
{
    public static string? TryReadAllText(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
