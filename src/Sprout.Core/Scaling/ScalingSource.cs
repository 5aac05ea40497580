namespace Sprout.Core.Scaling;

/// <summary>What asked for a scaling decision.</summary>
public enum ScalingSource
{
    /// <summary>Capacity outside MinSize..MaxSize was brought back inside.</summary>
    Bounds,
    ScheduledAction,
    Trigger,
    TargetTracking,
}
