using System.Globalization;

namespace Sprout.Core.Scaling;

/// <summary>How scaling causes write metrics, units and durations.</summary>
internal static class ScalingText
{
    public static string Value(double value, string unit)
    {
        var number = value.ToString(Math.Abs(value) >= 100 ? "0" : "0.#", CultureInfo.InvariantCulture);
        return unit switch
        {
            "Percent" => $"{number} %",
            "Seconds" => $"{number} s",
            "Count" or "None" or "" => number,
            _ => $"{number} {unit}",
        };
    }

    public static string Duration(TimeSpan duration) =>
        duration.TotalSeconds % 60 == 0 && duration.TotalSeconds >= 120
            ? $"{(duration.TotalSeconds / 60).ToString(CultureInfo.InvariantCulture)} min"
            : $"{duration.TotalSeconds.ToString("0", CultureInfo.InvariantCulture)} s";

    public static string StatisticVerb(ScalingStatistic statistic) => statistic switch
    {
        ScalingStatistic.Average => "averaged",
        ScalingStatistic.Maximum => "peaked at",
        ScalingStatistic.Minimum => "bottomed at",
        ScalingStatistic.Sum => "summed to",
        _ => throw new ArgumentOutOfRangeException(nameof(statistic), statistic, null),
    };

    public static string Instances(int count) => Math.Abs(count) == 1 ? "1 instance" : $"{Math.Abs(count)} instances";

    public static string UnitOf(string metricName) => metricName switch
    {
        "CPUUtilization" => "Percent",
        "RequestCountPerInstance" => "requests/s",
        "NetworkIn" or "NetworkOut" => "Bytes",
        "Latency" => "Seconds",
        _ => "",
    };
}
