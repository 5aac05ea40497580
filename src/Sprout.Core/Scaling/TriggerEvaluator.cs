namespace Sprout.Core.Scaling;

/// <summary>
/// Evaluates <c>aws:autoscaling:trigger</c> on a metric series: the series is cut into periods ending at <c>now</c>
/// (period k covers (now − (k+1)·Period, now − k·Period]); each period's samples reduce to the Statistic; the trigger
/// breaches when each of the last <see cref="ScalingTriggerOptions.PeriodsToBreach"/> periods is strictly above
/// UpperThreshold (or strictly below LowerThreshold), as CloudWatch's GreaterThan/LessThan alarms compare.
/// </summary>
public static class TriggerEvaluator
{
    public static TriggerEvaluation Evaluate(ScalingTriggerOptions trigger, IReadOnlyList<MetricSample> samples, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(samples);
        var needed = trigger.PeriodsToBreach;
        var values = new double?[needed];
        for (var k = 0; k < needed; k++)
        {
            var end = now - (trigger.Period * k);
            var start = end - trigger.Period;
            values[k] = Statistic(trigger.Statistic, samples.Where(s => s.Timestamp > start && s.Timestamp <= end).Select(s => s.Value).ToList());
        }

        var span = needed == 1
            ? $"over {ScalingText.Duration(trigger.Period)}"
            : $"in each of {needed} periods of {ScalingText.Duration(trigger.Period)}";
        var latest = values[0] is { } v ? ScalingText.Value(v, trigger.Unit) : "no data";
        var subject = $"{trigger.MeasureName} {ScalingText.StatisticVerb(trigger.Statistic)} {latest}";

        if (values.Any(value => value is null))
        {
            var empty = Array.FindIndex(values, value => value is null);
            return new TriggerEvaluation(TriggerBreach.InsufficientData, values,
                $"{trigger.MeasureName} has no samples in the period ending {ScalingText.Duration(trigger.Period * empty)} ago; not enough data to judge.");
        }

        if (values.All(value => value > trigger.UpperThreshold))
        {
            return new TriggerEvaluation(TriggerBreach.Upper, values,
                $"{subject} {span}, above UpperThreshold {ScalingText.Value(trigger.UpperThreshold, trigger.Unit)}");
        }

        if (values.All(value => value < trigger.LowerThreshold))
        {
            return new TriggerEvaluation(TriggerBreach.Lower, values,
                $"{subject} {span}, below LowerThreshold {ScalingText.Value(trigger.LowerThreshold, trigger.Unit)}");
        }

        return new TriggerEvaluation(TriggerBreach.None, values,
            $"{subject} {span}, within {ScalingText.Value(trigger.LowerThreshold, trigger.Unit)}–{ScalingText.Value(trigger.UpperThreshold, trigger.Unit)}");
    }

    private static double? Statistic(ScalingStatistic statistic, List<double> values) =>
        values.Count == 0 ? null : statistic switch
        {
            ScalingStatistic.Average => values.Average(),
            ScalingStatistic.Maximum => values.Max(),
            ScalingStatistic.Minimum => values.Min(),
            ScalingStatistic.Sum => values.Sum(),
            _ => throw new ArgumentOutOfRangeException(nameof(statistic), statistic, null),
        };
}
