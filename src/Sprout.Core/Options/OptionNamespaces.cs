namespace Sprout.Core.Options;

/// <summary>Beanstalk namespace names Sprout models.</summary>
public static class OptionNamespaces
{
    public const string AutoScalingGroup = "aws:autoscaling:asg";
    public const string AutoScalingTrigger = "aws:autoscaling:trigger";
    public const string RollingUpdate = "aws:autoscaling:updatepolicy:rollingupdate";
    public const string ScheduledAction = "aws:autoscaling:scheduledaction";
    public const string Command = "aws:elasticbeanstalk:command";
    public const string TrafficSplitting = "aws:elasticbeanstalk:trafficsplitting";
    public const string Environment = "aws:elasticbeanstalk:environment";
    public const string Application = "aws:elasticbeanstalk:application";
    public const string ApplicationEnvironment = "aws:elasticbeanstalk:application:environment";

    /// <summary>Prefix of <c>aws:elasticbeanstalk:environment:process:&lt;name&gt;</c>; every process shares the default process's options.</summary>
    public const string ProcessPrefix = "aws:elasticbeanstalk:environment:process:";
    public const string DefaultProcess = ProcessPrefix + "default";
    public const string Proxy = "aws:elasticbeanstalk:environment:proxy";
    public const string ClassicHealthCheck = "aws:elb:healthcheck";
    public const string HealthReporting = "aws:elasticbeanstalk:healthreporting:system";
    public const string Sqsd = "aws:elasticbeanstalk:sqsd";
    public const string CloudWatchLogs = "aws:elasticbeanstalk:cloudwatch:logs";

    /// <summary>Sprout's own router settings, where Beanstalk has no option (ALB target group attributes).</summary>
    public const string SproutRouter = "sprout:router";

    /// <summary>Sprout's own: canary and linear traffic schedules with analysis, for TrafficSplitting deployments (docs/deployments.md).</summary>
    public const string Canary = "sprout:deployment:canary";

    /// <summary>Sprout's seconds-level Period and BreachDuration for <see cref="AutoScalingTrigger"/> (not a Beanstalk namespace).</summary>
    public const string SproutAutoScalingTrigger = "sprout:autoscaling:trigger";

    /// <summary>Sprout's target tracking scaling policy (not a Beanstalk namespace).</summary>
    public const string SproutTargetTracking = "sprout:autoscaling:targettracking";
}
