namespace Sprout.Core.Scheduling;

/// <summary>What one of the five cron fields accepts: its name for messages, its range and its optional names.</summary>
internal sealed record CronFieldSpec(string Name, int Min, int Max, IReadOnlyList<string>? Names = null, int NameOffset = 0)
{
    public static CronFieldSpec Minute { get; } = new("minute", 0, 59);

    public static CronFieldSpec Hour { get; } = new("hour", 0, 23);

    public static CronFieldSpec DayOfMonth { get; } = new("day-of-month", 1, 31);

    public static CronFieldSpec Month { get; } = new(
        "month", 1, 12, ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], NameOffset: 1);

    // 7 is accepted as a second spelling of Sunday and folded onto 0 when the field is built.
    public static CronFieldSpec DayOfWeek { get; } = new(
        "day-of-week", 0, 7, ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]);

    public static IReadOnlyList<CronFieldSpec> All { get; } = [Minute, Hour, DayOfMonth, Month, DayOfWeek];

    public bool TryParseName(string token, out int value)
    {
        if (Names is not null)
        {
            for (var i = 0; i < Names.Count; i++)
            {
                if (string.Equals(Names[i], token, StringComparison.OrdinalIgnoreCase))
                {
                    value = i + NameOffset;
                    return true;
                }
            }
        }

        value = 0;
        return false;
    }
}
