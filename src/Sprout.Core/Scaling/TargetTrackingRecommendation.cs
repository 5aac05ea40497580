namespace Sprout.Core.Scaling;

/// <summary>What target tracking asks for: a capacity (equal to the current one to hold), and why.</summary>
/// <param name="MetricValue">The value it acted on: the short-window average for scale-out, the long window's highest for scale-in.</param>
public sealed record TargetTrackingRecommendation(int Capacity, double? MetricValue, string Description);
