using System.Diagnostics.CodeAnalysis;

namespace Sprout.Core.Scheduling;

/// <summary>
/// A standard 5-field Unix cron schedule (minute hour day-of-month month day-of-week), evaluated in UTC,
/// as used by <c>aws:autoscaling:scheduledaction</c> Recurrence and worker <c>cron.yaml</c> tasks.
/// </summary>
public sealed class CronExpression
{
    // A schedule that has not fired within this many years (e.g. "0 0 30 2 *") is treated as never firing.
    private const int SearchYears = 5;

    private readonly string _text;
    private readonly CronField _minute;
    private readonly CronField _hour;
    private readonly CronField _dayOfMonth;
    private readonly CronField _month;
    private readonly CronField _dayOfWeek;

    private CronExpression(string text, CronField[] fields)
    {
        _text = text;
        _minute = fields[0];
        _hour = fields[1];
        _dayOfMonth = fields[2];
        _month = fields[3];
        _dayOfWeek = fields[4];
    }

    public static bool TryParse(string text, [NotNullWhen(true)] out CronExpression? expression, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (CronParser.TryParse(text, out var fields, out error))
        {
            expression = new CronExpression(text, fields);
            return true;
        }

        expression = null;
        return false;
    }

    /// <exception cref="FormatException">The text is not a valid cron expression; the message names the field and token.</exception>
    public static CronExpression Parse(string text) =>
        TryParse(text, out var expression, out var error) ? expression : throw new FormatException(error);

    /// <summary>The first matching minute strictly after <paramref name="after"/> (its seconds ignored), in UTC; null if none within five years.</summary>
    public DateTimeOffset? GetNextOccurrence(DateTimeOffset after)
    {
        var utc = after.UtcDateTime;
        var lastSearchable = DateTime.MaxValue.AddYears(-SearchYears - 1);
        if (utc >= lastSearchable)
        {
            return null;
        }

        var candidate = new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, utc.Minute, 0, DateTimeKind.Utc).AddMinutes(1);
        var limit = candidate.AddYears(SearchYears);
        while (candidate <= limit)
        {
            if (!_month.Contains(candidate.Month))
            {
                candidate = StartOfNextAllowedMonth(candidate);
                continue;
            }

            if (!DayMatches(candidate))
            {
                candidate = candidate.Date.AddDays(1);
                continue;
            }

            if (!_hour.Contains(candidate.Hour))
            {
                var hour = _hour.NextAtOrAfter(candidate.Hour);
                candidate = hour < 0 ? candidate.Date.AddDays(1) : candidate.Date.AddHours(hour);
                continue;
            }

            if (!_minute.Contains(candidate.Minute))
            {
                var minute = _minute.NextAtOrAfter(candidate.Minute);
                var startOfHour = candidate.Date.AddHours(candidate.Hour);
                candidate = minute < 0 ? startOfHour.AddHours(1) : startOfHour.AddMinutes(minute);
                continue;
            }

            return new DateTimeOffset(candidate, TimeSpan.Zero);
        }

        return null;
    }

    /// <summary>Every occurrence after <paramref name="fromExclusive"/> up to and including <paramref name="toInclusive"/>, in order.</summary>
    public IEnumerable<DateTimeOffset> GetOccurrences(DateTimeOffset fromExclusive, DateTimeOffset toInclusive)
    {
        var current = fromExclusive;
        while (GetNextOccurrence(current) is { } next && next <= toInclusive)
        {
            yield return next;
            current = next;
        }
    }

    /// <summary>The text this expression was parsed from.</summary>
    public override string ToString() => _text;

    // Vixie cron: when both day fields are restricted a day matches if either does; otherwise both must.
    private bool DayMatches(DateTime day)
    {
        var dayOfMonthMatches = _dayOfMonth.Contains(day.Day);
        var dayOfWeekMatches = _dayOfWeek.Contains((int)day.DayOfWeek);
        return _dayOfMonth.IsStar || _dayOfWeek.IsStar
            ? dayOfMonthMatches && dayOfWeekMatches
            : dayOfMonthMatches || dayOfWeekMatches;
    }

    private DateTime StartOfNextAllowedMonth(DateTime from)
    {
        var month = _month.NextAtOrAfter(from.Month + 1);
        return month < 0
            ? new DateTime(from.Year + 1, _month.NextAtOrAfter(1), 1, 0, 0, 0, DateTimeKind.Utc)
            : new DateTime(from.Year, month, 1, 0, 0, 0, DateTimeKind.Utc);
    }
}
