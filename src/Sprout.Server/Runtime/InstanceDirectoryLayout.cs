namespace Sprout.Server.Runtime;

/// <summary>Where things live inside one instance directory.</summary>
public static class InstanceDirectoryLayout
{
    public const string StdoutStream = "stdout";
    public const string StderrStream = "stderr";

    public static IReadOnlyList<string> Streams { get; } = [StdoutStream, StderrStream];

    /// <summary>The working copy of the slug the process runs in.</summary>
    public static string AppDirectory(string instanceDirectory) => Path.Combine(instanceDirectory, "app");

    public static string LogsDirectory(string instanceDirectory) => Path.Combine(instanceDirectory, "logs");

    /// <summary><c>logs/stdout.log</c> or <c>logs/stderr.log</c>.</summary>
    public static string LogFile(string instanceDirectory, string stream)
    {
        if (stream is not (StdoutStream or StderrStream))
        {
            throw new ArgumentException($"Unknown log stream '{stream}'; expected '{StdoutStream}' or '{StderrStream}'.", nameof(stream));
        }

        return Path.Combine(LogsDirectory(instanceDirectory), stream + ".log");
    }

    /// <summary>The <paramref name="generation"/>-th rotated copy: <c>stdout.log.1</c> is the newest.</summary>
    public static string RotatedLogFile(string instanceDirectory, string stream, int generation) =>
        LogFile(instanceDirectory, stream) + "." + generation.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
