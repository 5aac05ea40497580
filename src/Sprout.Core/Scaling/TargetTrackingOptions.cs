using Sprout.Core.Options;
using static Sprout.Core.Scaling.ScalingOptionNames;

namespace Sprout.Core.Scaling;

/// <summary>
/// Sprout's target tracking (<c>sprout:autoscaling:targettracking</c>): keep a per-instance metric near
/// <see cref="TargetValue"/>. Scale-out looks at a short window and acts at once; scale-in looks at a long window,
/// takes its highest value (so one quiet minute does not remove capacity), steps down by at most
/// <see cref="ScaleInStep"/> and waits <see cref="ScaleInCooldown"/> after any scaling activity.
/// </summary>
/// <param name="MetricName">A per-instance metric: CPUUtilization (percent), RequestCountPerInstance (requests per second), NetworkIn/NetworkOut (bytes per instance).</param>
/// <param name="TolerancePercent">No action while the metric is within this percent of the target, so the group does not flap.</param>
public sealed record TargetTrackingOptions(
    string MetricName,
    double TargetValue,
    TimeSpan ScaleOutWindow,
    TimeSpan ScaleInWindow,
    TimeSpan ScaleOutCooldown,
    TimeSpan ScaleInCooldown,
    int ScaleInStep = 1,
    double TolerancePercent = 10)
{
    public static IReadOnlyList<string> MetricNames { get; } = ["CPUUtilization", "RequestCountPerInstance", "NetworkIn", "NetworkOut"];

    /// <summary>Defaults for a metric and target: 60 s out window, 300 s in window, 60 s out cooldown, 300 s in cooldown, step 1, 10 % tolerance.</summary>
    public static TargetTrackingOptions For(string metricName, double targetValue) =>
        new(metricName, targetValue, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(300), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(300));

    /// <summary>Null unless both MetricName and TargetValue are set.</summary>
    public static TargetTrackingOptions? From(EffectiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var metric = options.Get(TargetTracking, "MetricName");
        if (metric is null || !MetricNames.Contains(metric, StringComparer.Ordinal) || options.GetInt32OrNull(TargetTracking, "TargetValue") is not { } target)
        {
            return null;
        }

        return new TargetTrackingOptions(
            metric,
            target,
            TimeSpan.FromSeconds(options.GetInt32(TargetTracking, "ScaleOutWindow")),
            TimeSpan.FromSeconds(options.GetInt32(TargetTracking, "ScaleInWindow")),
            TimeSpan.FromSeconds(options.GetInt32(TargetTracking, "ScaleOutCooldown")),
            TimeSpan.FromSeconds(options.GetInt32(TargetTracking, "ScaleInCooldown")),
            options.GetInt32(TargetTracking, "ScaleInStep"),
            options.GetInt32(TargetTracking, "TolerancePercent"));
    }
}
