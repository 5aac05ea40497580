using System.Globalization;
using Sprout.Core.Options;
using Sprout.Core.Scheduling;
using static Sprout.Core.Options.OptionNamespaces;

namespace Sprout.Core.Scaling;

/// <summary>
/// One <c>aws:autoscaling:scheduledaction</c> (keyed by its resource name). Without <see cref="Recurrence"/> it runs once
/// at <see cref="StartTime"/>; with it, at every cron occurrence (UTC) from StartTime (if given) up to EndTime (if given).
/// Ending an action does not revert the sizes it set.
/// </summary>
public sealed record ScheduledActionOptions(
    string Name,
    DateTimeOffset? StartTime,
    DateTimeOffset? EndTime,
    int? MinSize,
    int? MaxSize,
    int? DesiredCapacity,
    CronExpression? Recurrence,
    bool Suspend = false)
{
    /// <summary>Times the action runs after <paramref name="fromExclusive"/> up to and including <paramref name="toInclusive"/>, in order.</summary>
    public IEnumerable<DateTimeOffset> OccurrencesBetween(DateTimeOffset fromExclusive, DateTimeOffset toInclusive)
    {
        if (Suspend)
        {
            return [];
        }

        if (Recurrence is null)
        {
            return StartTime is { } once && once > fromExclusive && once <= toInclusive ? [once] : [];
        }

        // A cron occurrence at exactly StartTime counts; the search is exclusive, so start one tick before it.
        var from = StartTime is { } start && start.AddTicks(-1) > fromExclusive ? start.AddTicks(-1) : fromExclusive;
        var to = EndTime is { } end && end < toInclusive ? end : toInclusive;
        return from >= to ? [] : Recurrence.GetOccurrences(from, to);
    }

    /// <summary>Every action named in the options (resource-scoped settings), in name order. Actions with an unparsable recurrence are skipped.</summary>
    public static IReadOnlyList<ScheduledActionOptions> From(EffectiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return
        [
            .. options.Settings
                .Where(s => s.Namespace == ScheduledAction && s.ResourceName is not null)
                .Select(s => s.ResourceName!)
                .Distinct(StringComparer.Ordinal)
                .Order(StringComparer.Ordinal)
                .Select(name => Read(options, name))
                .OfType<ScheduledActionOptions>(),
        ];
    }

    private static ScheduledActionOptions? Read(EffectiveOptions options, string name)
    {
        CronExpression? recurrence = null;
        if (options.Get(ScheduledAction, "Recurrence", name) is { Length: > 0 } text && !CronExpression.TryParse(text, out recurrence, out _))
        {
            return null;
        }

        return new ScheduledActionOptions(
            name,
            Time(options.Get(ScheduledAction, "StartTime", name)),
            Time(options.Get(ScheduledAction, "EndTime", name)),
            options.GetInt32OrNull(ScheduledAction, "MinSize", name),
            options.GetInt32OrNull(ScheduledAction, "MaxSize", name),
            options.GetInt32OrNull(ScheduledAction, "DesiredCapacity", name),
            recurrence,
            bool.TryParse(options.Get(ScheduledAction, "Suspend", name), out var suspend) && suspend);
    }

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) ? time : null;
}
