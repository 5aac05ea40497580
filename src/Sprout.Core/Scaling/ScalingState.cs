namespace Sprout.Core.Scaling;

/// <summary>
/// What the planner remembers between rounds (the caller persists it). <see cref="MinSize"/> and <see cref="MaxSize"/>
/// start from <c>aws:autoscaling:asg</c> and change only through scheduled actions.
/// </summary>
/// <param name="DesiredCapacity">Instances the environment should run.</param>
/// <param name="LastScalingAt">End of the last capacity change by any cause; null when none.</param>
/// <param name="LastScaleOutAt">Last capacity increase; null when none.</param>
/// <param name="SchedulesCheckedThrough">Scheduled actions up to this time have run; later ones are still due.</param>
public sealed record ScalingState(
    int DesiredCapacity,
    int MinSize,
    int MaxSize,
    DateTimeOffset? LastScalingAt,
    DateTimeOffset? LastScaleOutAt,
    DateTimeOffset SchedulesCheckedThrough)
{
    /// <summary>A fresh state for an environment that starts now at <paramref name="desiredCapacity"/>.</summary>
    public static ScalingState Initial(AutoScalingGroupOptions group, int desiredCapacity, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(group);
        return new ScalingState(desiredCapacity, group.MinSize, group.MaxSize, null, null, now);
    }
}
