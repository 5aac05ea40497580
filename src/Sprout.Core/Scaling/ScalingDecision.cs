namespace Sprout.Core.Scaling;

/// <summary>
/// One scaling event: what happened (or would have), from which capacity to which, under which bounds, and a
/// <see cref="Cause"/> that names the metric, its value and the threshold it crossed
/// ("CPUUtilization averaged 83 % over 60 s, above UpperThreshold 80 %: adding 1 instance (2 → 3).").
/// </summary>
public sealed record ScalingDecision(
    ScalingDecisionKind Kind,
    ScalingSource Source,
    int FromCapacity,
    int ToCapacity,
    int MinSize,
    int MaxSize,
    string Cause,
    DateTimeOffset At,
    string? MetricName = null,
    double? MetricValue = null,
    double? Threshold = null);
