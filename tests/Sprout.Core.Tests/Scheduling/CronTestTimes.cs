using System.Globalization;

namespace Sprout.Core.Tests.Scheduling;

internal static class CronTestTimes
{
    public static DateTimeOffset Utc(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
