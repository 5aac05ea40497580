using Sprout.Core.Options;

namespace Sprout.Core.Scaling;

/// <summary>Everything that decides an environment's capacity. <see cref="Trigger"/> and <see cref="TargetTracking"/> may both be null (fixed size plus schedules).</summary>
public sealed record ScalingPolicy(
    AutoScalingGroupOptions Group,
    ScalingTriggerOptions? Trigger,
    TargetTrackingOptions? TargetTracking,
    IReadOnlyList<ScheduledActionOptions> ScheduledActions)
{
    /// <summary>
    /// The environment's policy. Beanstalk always has a trigger (NetworkOut by default); so does Sprout, except for a
    /// single-instance environment, which Beanstalk does not scale either.
    /// </summary>
    public static ScalingPolicy From(EffectiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var loadBalanced = options.EnvironmentType == Model.EnvironmentType.LoadBalanced;
        return new ScalingPolicy(
            AutoScalingGroupOptions.From(options),
            loadBalanced ? ScalingTriggerOptions.From(options) : null,
            loadBalanced ? TargetTrackingOptions.From(options) : null,
            ScheduledActionOptions.From(options));
    }
}
