namespace Sprout.Core.Scaling;

/// <summary>
/// Target tracking's arithmetic. For a per-instance metric the capacity that brings it to the target is
/// ceil(current × value / target). Scale-out uses the average over the short window; scale-in uses the highest sample
/// over the long window (it must be covered from its first tenth on, so a fresh series cannot remove capacity) and
/// removes at most ScaleInStep instances. Within the tolerance band around the target nothing changes.
/// Cooldowns and bounds are the planner's business.
/// </summary>
public static class TargetTrackingEvaluator
{
    public static TargetTrackingRecommendation Evaluate(TargetTrackingOptions options, int currentCapacity, IReadOnlyList<MetricSample> samples, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(samples);
        var unit = ScalingText.UnitOf(options.MetricName);
        var target = ScalingText.Value(options.TargetValue, unit);
        var capacity = Math.Max(currentCapacity, 1);

        var recent = InWindow(samples, now, options.ScaleOutWindow);
        if (recent.Count == 0)
        {
            return new TargetTrackingRecommendation(currentCapacity, null,
                $"{options.MetricName} has no samples in the last {ScalingText.Duration(options.ScaleOutWindow)}; holding.");
        }

        var upper = options.TargetValue * (1 + (options.TolerancePercent / 100));
        var average = recent.Average(s => s.Value);
        if (average > upper)
        {
            var wanted = Math.Max(currentCapacity + 1, CapacityFor(capacity, average, options.TargetValue));
            return new TargetTrackingRecommendation(wanted, average,
                $"{options.MetricName} averaged {ScalingText.Value(average, unit)} per instance over {ScalingText.Duration(options.ScaleOutWindow)}, above target {target} (+{options.TolerancePercent} % tolerance)");
        }

        var lower = options.TargetValue * (1 - (options.TolerancePercent / 100));
        var longWindow = InWindow(samples, now, options.ScaleInWindow);
        var covered = longWindow.Count > 0 && longWindow.Min(s => s.Timestamp) <= now - options.ScaleInWindow + (options.ScaleInWindow / 10);
        if (!covered)
        {
            return new TargetTrackingRecommendation(currentCapacity, average,
                $"{options.MetricName} averaged {ScalingText.Value(average, unit)} per instance; not scaling in before {ScalingText.Duration(options.ScaleInWindow)} of samples are in.");
        }

        var highest = longWindow.Max(s => s.Value);
        if (highest < lower && currentCapacity > 1)
        {
            var wanted = Math.Max(currentCapacity - options.ScaleInStep, CapacityFor(capacity, highest, options.TargetValue));
            if (wanted < currentCapacity)
            {
                return new TargetTrackingRecommendation(wanted, highest,
                    $"{options.MetricName} stayed at or below {ScalingText.Value(highest, unit)} per instance for {ScalingText.Duration(options.ScaleInWindow)}, below target {target} (−{options.TolerancePercent} % tolerance)");
            }
        }

        return new TargetTrackingRecommendation(currentCapacity, average,
            $"{options.MetricName} averaged {ScalingText.Value(average, unit)} per instance, near target {target}");
    }

    private static List<MetricSample> InWindow(IReadOnlyList<MetricSample> samples, DateTimeOffset now, TimeSpan window) =>
        [.. samples.Where(s => s.Timestamp > now - window && s.Timestamp <= now)];

    private static int CapacityFor(int capacity, double value, double target) =>
        target <= 0 ? capacity : Math.Max(1, (int)Math.Ceiling(capacity * value / target - 1e-9));
}
