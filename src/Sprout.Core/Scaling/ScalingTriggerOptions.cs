using Sprout.Core.Options;
using static Sprout.Core.Options.OptionNamespaces;

namespace Sprout.Core.Scaling;

/// <summary>
/// <c>aws:autoscaling:trigger</c>: one alarm pair on one metric. Beanstalk counts Period and BreachDuration in minutes;
/// Sprout also accepts <c>sprout:autoscaling:trigger PeriodSeconds</c> and <c>BreachDurationSeconds</c>, which win when set.
/// </summary>
/// <param name="Unit">Unit the thresholds are written in; only used to word causes.</param>
/// <param name="EvaluationPeriods">Consecutive periods that must breach.</param>
/// <param name="BreachDuration">How long the metric must breach; with <paramref name="Period"/> it sets the periods needed (see <see cref="PeriodsToBreach"/>).</param>
public sealed record ScalingTriggerOptions(
    string MeasureName,
    ScalingStatistic Statistic,
    string Unit,
    TimeSpan Period,
    int EvaluationPeriods,
    TimeSpan BreachDuration,
    double UpperThreshold,
    int UpperBreachScaleIncrement,
    double LowerThreshold,
    int LowerBreachScaleIncrement)
{
    /// <summary>Beanstalk's defaults: NetworkOut Average in Bytes, 5-minute period and breach, 6000000 up by 1, 2000000 down by 1.</summary>
    public static ScalingTriggerOptions Default { get; } = new(
        "NetworkOut", ScalingStatistic.Average, "Bytes", TimeSpan.FromMinutes(5), 1, TimeSpan.FromMinutes(5), 6000000, 1, 2000000, -1);

    /// <summary>
    /// Beanstalk requires BreachDuration = Period × EvaluationPeriods and adjusts one to keep them consistent; Sprout takes
    /// whichever asks for more periods, so neither setting is silently weakened.
    /// </summary>
    public int PeriodsToBreach => Math.Max(EvaluationPeriods, (int)Math.Ceiling(BreachDuration / Period));

    public static ScalingTriggerOptions From(EffectiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ScalingTriggerOptions(
            options.GetEnumValue(AutoScalingTrigger, "MeasureName"),
            Enum.Parse<ScalingStatistic>(options.GetEnumValue(AutoScalingTrigger, "Statistic")),
            options.GetEnumValue(AutoScalingTrigger, "Unit"),
            Seconds(options, "PeriodSeconds") ?? TimeSpan.FromMinutes(options.GetInt32(AutoScalingTrigger, "Period")),
            options.GetInt32(AutoScalingTrigger, "EvaluationPeriods"),
            Seconds(options, "BreachDurationSeconds") ?? TimeSpan.FromMinutes(options.GetInt32(AutoScalingTrigger, "BreachDuration")),
            options.GetInt32(AutoScalingTrigger, "UpperThreshold"),
            options.GetInt32(AutoScalingTrigger, "UpperBreachScaleIncrement"),
            options.GetInt32(AutoScalingTrigger, "LowerThreshold"),
            options.GetInt32(AutoScalingTrigger, "LowerBreachScaleIncrement"));
    }

    private static TimeSpan? Seconds(EffectiveOptions options, string name) =>
        options.GetInt32OrNull(ScalingOptionNames.SproutTrigger, name) is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
}
