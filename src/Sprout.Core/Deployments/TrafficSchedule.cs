using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Sprout.Core.Deployments;

/// <summary>
/// How traffic moves to a new version: canary (<c>10%:1m,100%</c>) or linear (<c>+25%:30s</c>), the value of
/// <c>sprout:deployment:canary</c> <c>Steps</c>.
/// <list type="bullet">
/// <item>A list: comma-separated <c>P%:duration</c> items with strictly increasing percentages, ending with <c>100%</c> (no duration).</item>
/// <item>Linear: <c>+P%:duration</c> adds P % after every duration until 100 %; the last increment is capped at 100.</item>
/// </list>
/// Durations are whole numbers with units, combinable: <c>30s</c>, <c>1m</c>, <c>1m30s</c>, <c>2h</c>.
/// </summary>
public sealed record TrafficSchedule(IReadOnlyList<TrafficIncrement> Increments)
{
    /// <summary>Beanstalk's TrafficSplitting: <paramref name="newVersionPercent"/> for <paramref name="evaluationTime"/>, then all.</summary>
    public static TrafficSchedule Canary(int newVersionPercent, TimeSpan evaluationTime) =>
        newVersionPercent >= 100
            ? new([new TrafficIncrement(100, TimeSpan.Zero)])
            : new([new TrafficIncrement(newVersionPercent, evaluationTime), new TrafficIncrement(100, TimeSpan.Zero)]);

    public static TrafficSchedule Parse(string text) =>
        TryParse(text, out var schedule, out var problem) ? schedule : throw new FormatException(problem);

    public static bool TryParse(string? text, [NotNullWhen(true)] out TrafficSchedule? schedule, [NotNullWhen(false)] out string? problem)
    {
        schedule = null;
        text = text?.Trim() ?? "";
        if (text.Length == 0)
        {
            problem = "the traffic schedule is empty; write e.g. '10%:1m,100%' or '+25%:30s'.";
            return false;
        }

        return text.StartsWith('+') ? TryParseLinear(text, out schedule, out problem) : TryParseList(text, out schedule, out problem);
    }

    /// <summary>Canonical text, e.g. <c>10%:1m,100%</c>.</summary>
    public override string ToString() =>
        string.Join(",", Increments.Select(i => i.Hold > TimeSpan.Zero ? $"{i.Percent}%:{FormatDuration(i.Hold)}" : $"{i.Percent}%"));

    public static string FormatDuration(TimeSpan duration)
    {
        var parts = new List<string>();
        if (duration.Hours + (duration.Days * 24) > 0)
        {
            parts.Add($"{duration.Hours + (duration.Days * 24)}h");
        }

        if (duration.Minutes > 0)
        {
            parts.Add($"{duration.Minutes}m");
        }

        if (duration.Seconds > 0 || parts.Count == 0)
        {
            parts.Add($"{duration.Seconds}s");
        }

        return string.Concat(parts);
    }

    private static bool TryParseLinear(string text, out TrafficSchedule? schedule, out string? problem)
    {
        schedule = null;
        if (!TryParseItem(text[1..], out var step, out var every, out problem))
        {
            return false;
        }

        if (every is null || every <= TimeSpan.Zero)
        {
            problem = $"'{text}' needs an interval, e.g. '+25%:30s'.";
            return false;
        }

        if (step is < 1 or > 99)
        {
            problem = $"'{text}': a linear increment must be 1–99 %.";
            return false;
        }

        var increments = new List<TrafficIncrement>();
        for (var percent = step; percent < 100; percent += step)
        {
            increments.Add(new TrafficIncrement(percent, every.Value));
        }

        increments.Add(new TrafficIncrement(100, TimeSpan.Zero));
        schedule = new TrafficSchedule(increments);
        return true;
    }

    private static bool TryParseList(string text, out TrafficSchedule? schedule, out string? problem)
    {
        schedule = null;
        var items = text.Split(',', StringSplitOptions.TrimEntries);
        var increments = new List<TrafficIncrement>();
        for (var i = 0; i < items.Length; i++)
        {
            if (!TryParseItem(items[i], out var percent, out var hold, out problem))
            {
                return false;
            }

            var last = i == items.Length - 1;
            if (increments.Count > 0 && percent <= increments[^1].Percent)
            {
                problem = $"'{items[i]}': percentages must increase from step to step.";
                return false;
            }

            if (last != (percent == 100))
            {
                problem = last
                    ? $"the last step must be '100%', not '{items[i]}'."
                    : $"'{items[i]}': only the last step may send 100 %.";
                return false;
            }

            if (!last && (hold is null || hold <= TimeSpan.Zero))
            {
                problem = $"'{items[i]}' needs a duration to hold before the next step, e.g. '{percent}%:1m'.";
                return false;
            }

            increments.Add(new TrafficIncrement(percent, last ? TimeSpan.Zero : hold!.Value));
        }

        schedule = new TrafficSchedule(increments);
        problem = null;
        return true;
    }

    private static bool TryParseItem(string item, out int percent, out TimeSpan? hold, [NotNullWhen(false)] out string? problem)
    {
        hold = null;
        var colon = item.IndexOf(':', StringComparison.Ordinal);
        var percentText = (colon < 0 ? item : item[..colon]).Trim();
        if (!percentText.EndsWith('%') ||
            !int.TryParse(percentText[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out percent) ||
            percent is < 1 or > 100)
        {
            percent = 0;
            problem = $"'{item}' does not start with a percentage 1–100 such as '10%'.";
            return false;
        }

        if (colon >= 0)
        {
            if (!TryParseDuration(item[(colon + 1)..].Trim(), out var duration))
            {
                problem = $"'{item}': '{item[(colon + 1)..].Trim()}' is not a duration such as 30s, 1m or 1m30s.";
                return false;
            }

            hold = duration;
        }

        problem = null;
        return true;
    }

    /// <summary>Parses <c>30s</c>, <c>1m</c>, <c>1m30s</c>, <c>2h</c>.</summary>
    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        var number = 0L;
        var digits = 0;
        var lastUnit = int.MaxValue;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c))
            {
                number = (number * 10) + (c - '0');
                if (++digits > 6)
                {
                    return false;
                }

                continue;
            }

            var (unit, rank) = c switch
            {
                'h' => (TimeSpan.FromHours(1), 3),
                'm' => (TimeSpan.FromMinutes(1), 2),
                's' => (TimeSpan.FromSeconds(1), 1),
                _ => (TimeSpan.Zero, 0),
            };
            if (rank == 0 || digits == 0 || rank >= lastUnit)
            {
                return false;
            }

            duration += unit * number;
            (number, digits, lastUnit) = (0, 0, rank);
        }

        return digits == 0 && lastUnit != int.MaxValue;
    }
}
