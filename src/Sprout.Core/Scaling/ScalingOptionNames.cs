namespace Sprout.Core.Scaling;

/// <summary>Sprout's own scaling namespaces; Beanstalk's stay untouched so bundles still load on AWS.</summary>
public static class ScalingOptionNames
{
    /// <summary>Seconds-level overrides of <c>aws:autoscaling:trigger</c> Period and BreachDuration (which Beanstalk counts in minutes).</summary>
    public const string SproutTrigger = Options.OptionNamespaces.SproutAutoScalingTrigger;

    /// <summary>Sprout's additions to <c>aws:autoscaling:asg</c>: <c>HealthCheckGracePeriod</c> (Beanstalk sets it on the Auto Scaling group resource, not as an option).</summary>
    public const string SproutGroup = "sprout:autoscaling:asg";

    /// <summary>Target tracking: keep a per-instance metric near a target.</summary>
    public const string TargetTracking = Options.OptionNamespaces.SproutTargetTracking;
}
