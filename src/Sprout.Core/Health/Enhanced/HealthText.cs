using System.Globalization;

namespace Sprout.Core.Health.Enhanced;

/// <summary>How causes write numbers: percentages to one decimal below 10, whole above; durations in whole seconds.</summary>
internal static class HealthText
{
    public static string Percent(double value) =>
        value.ToString(value < 10 ? "0.#" : "0", CultureInfo.InvariantCulture);

    public static string Seconds(TimeSpan duration) =>
        Math.Max(0, (long)Math.Floor(duration.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    public static string Latency(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);

    public static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "∞" : value.ToString("0.###", CultureInfo.InvariantCulture);
}
