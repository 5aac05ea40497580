using System.Globalization;

namespace Sprout.Server.Metrics.SystemMetrics;

/// <summary>The host's 1-, 5- and 15-minute load averages (<c>/proc/loadavg</c>).</summary>
public sealed record LoadAverage(double OneMinute, double FiveMinutes, double FifteenMinutes)
{
    /// <summary>As Beanstalk's SystemStatus LoadAverage lists them.</summary>
    public IReadOnlyList<double> AsList() => [OneMinute, FiveMinutes, FifteenMinutes];

    public static LoadAverage? TryRead() =>
        ProcFiles.TryReadAllText("/proc/loadavg") is { } text ? TryParse(text) : null;

    public static LoadAverage? TryParse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var fields = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return fields.Length >= 3
               && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var one)
               && double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var five)
               && double.TryParse(fields[2], NumberStyles.Float, CultureInfo.InvariantCulture, out var fifteen)
            ? new LoadAverage(one, five, fifteen)
            : null;
    }
}
