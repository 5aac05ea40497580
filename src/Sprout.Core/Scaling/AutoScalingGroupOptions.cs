using Sprout.Core.Options;

namespace Sprout.Core.Scaling;

/// <summary><c>aws:autoscaling:asg</c>: the bounds of the group and the cooldown after a trigger-driven scaling activity.</summary>
public sealed record AutoScalingGroupOptions(int MinSize, int MaxSize, TimeSpan Cooldown)
{
    /// <summary>Beanstalk's defaults: MinSize 1, MaxSize 4, Cooldown 360 s.</summary>
    public static AutoScalingGroupOptions Default { get; } = new(1, 4, TimeSpan.FromSeconds(360));

    public static AutoScalingGroupOptions From(EffectiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new AutoScalingGroupOptions(options.MinSize, options.MaxSize, options.Cooldown);
    }
}
