using static Sprout.Core.Options.ChangeSeverity;
using static Sprout.Core.Options.OptionNamespaces;

namespace Sprout.Core.Options;

/// <summary>The option table, transcribed from Beanstalk's documented defaults and ranges (reference eb.md §3–§5).</summary>
internal static class OptionCatalogueEntries
{
    public static IReadOnlyList<OptionDefinition> Build() =>
    [
        Int(AutoScalingGroup, "MinSize", "1", 1, 10000, NoInterruption, "Minimum number of instances."),
        Int(AutoScalingGroup, "MaxSize", "4", 1, 10000, NoInterruption, "Maximum number of instances."),
        Int(AutoScalingGroup, "Cooldown", "360", 0, 10000, NoInterruption, "Seconds after a scaling activity before another may start."),
        Enum(AutoScalingGroup, "Availability Zones", "Any", ["Any", "Any 1", "Any 2", "Any 3"], NoInterruption, "How many availability zones to spread instances over."),
        List(AutoScalingGroup, "Custom Availability Zones", null, null, NoInterruption, "Availability zone names to use."),
        Bool(AutoScalingGroup, "EnableCapacityRebalancing", "false", NoInterruption, "Replace Spot instances at elevated risk of interruption."),

        Enum(AutoScalingTrigger, "MeasureName", "NetworkOut",
            ["CPUUtilization", "NetworkIn", "NetworkOut", "DiskWriteOps", "DiskReadBytes", "DiskReadOps", "DiskWriteBytes", "Latency", "RequestCount", "HealthyHostCount", "UnhealthyHostCount", "TargetResponseTime"],
            NoInterruption, "Metric the scaling trigger watches."),
        Enum(AutoScalingTrigger, "Statistic", "Average", ["Minimum", "Maximum", "Sum", "Average"], NoInterruption, "Statistic applied to the metric."),
        Enum(AutoScalingTrigger, "Unit", "Bytes",
            ["Seconds", "Percent", "Bytes", "Bits", "Count", "Bytes/Second", "Bits/Second", "Count/Second", "None"],
            NoInterruption, "Unit of the thresholds."),
        Int(AutoScalingTrigger, "Period", "5", 1, 600, NoInterruption, "Minutes between metric evaluations."),
        Int(AutoScalingTrigger, "EvaluationPeriods", "1", 1, 600, NoInterruption, "Consecutive periods before a breach is declared."),
        Int(AutoScalingTrigger, "BreachDuration", "5", 1, 600, NoInterruption, "Minutes a metric may breach before scaling."),
        Int(AutoScalingTrigger, "UpperThreshold", "6000000", 0, 20000000, NoInterruption, "Scale out above this value."),
        Int(AutoScalingTrigger, "UpperBreachScaleIncrement", "1", null, null, NoInterruption, "Instances to add when scaling out."),
        Int(AutoScalingTrigger, "LowerThreshold", "2000000", 0, 20000000, NoInterruption, "Scale in below this value."),
        Int(AutoScalingTrigger, "LowerBreachScaleIncrement", "-1", null, null, NoInterruption, "Instances to remove when scaling in."),

        // Sprout additions (not Beanstalk): seconds-level trigger periods, and target tracking.
        Int(SproutAutoScalingTrigger, "PeriodSeconds", null, 10, 36000, NoInterruption, "Seconds per trigger period; overrides aws:autoscaling:trigger Period (minutes)."),
        Int(SproutAutoScalingTrigger, "BreachDurationSeconds", null, 10, 36000, NoInterruption, "Seconds the metric must breach; overrides aws:autoscaling:trigger BreachDuration (minutes)."),
        Int(Scaling.ScalingOptionNames.SproutGroup, "HealthCheckGracePeriod", "0", 0, 7200, NoInterruption, "Seconds after launch before failing health checks get an instance replaced."),
        Enum(SproutTargetTracking, "MetricName", null, ["CPUUtilization", "RequestCountPerInstance", "NetworkIn", "NetworkOut"], NoInterruption,
            "Per-instance metric target tracking keeps near TargetValue; tracking is on when this and TargetValue are set."),
        Int(SproutTargetTracking, "TargetValue", null, 1, 20000000, NoInterruption, "Target per instance: percent CPU, requests per second, or bytes."),
        Int(SproutTargetTracking, "ScaleOutWindow", "60", 10, 3600, NoInterruption, "Seconds of samples averaged to decide a scale-out."),
        Int(SproutTargetTracking, "ScaleInWindow", "300", 60, 86400, NoInterruption, "Seconds the metric must stay low (highest sample counts) before a scale-in."),
        Int(SproutTargetTracking, "ScaleOutCooldown", "60", 0, 3600, NoInterruption, "Seconds after a scale-out before target tracking scales out again."),
        Int(SproutTargetTracking, "ScaleInCooldown", "300", 0, 86400, NoInterruption, "Seconds after any scaling activity before target tracking scales in."),
        Int(SproutTargetTracking, "ScaleInStep", "1", 1, 10000, NoInterruption, "Most instances removed by one scale-in."),
        Int(SproutTargetTracking, "TolerancePercent", "10", 0, 50, NoInterruption, "No action while the metric is within this percent of the target."),

        Bool(RollingUpdate, "RollingUpdateEnabled", "false", NoInterruption, "Replace instances in batches when a change needs new instances."),
        Enum(RollingUpdate, "RollingUpdateType", "Time", ["Time", "Health", "Immutable"], NoInterruption, "How a batch is judged ready."),
        Int(RollingUpdate, "MaxBatchSize", null, 1, 10000, NoInterruption, "Instances replaced per batch (default ceil(MinSize/3))."),
        Int(RollingUpdate, "MinInstancesInService", null, 0, 9999, NoInterruption, "Instances kept in service during the update (default min(MinSize, MaxSize-1))."),
        Str(RollingUpdate, "PauseTime", null, NoInterruption, "ISO-8601 pause between batches, PT0S–PT1H (Time type)."),
        Str(RollingUpdate, "Timeout", "PT30M", NoInterruption, "ISO-8601 time a batch has to become healthy, PT5M–PT1H (Health type)."),

        Enum(Command, "DeploymentPolicy", "AllAtOnce", ["AllAtOnce", "Rolling", "RollingWithAdditionalBatch", "Immutable", "TrafficSplitting"], NoInterruption, "How a new version is deployed."),
        Enum(Command, "BatchSizeType", "Percentage", ["Percentage", "Fixed"], NoInterruption, "Whether BatchSize is a percentage or an instance count."),
        Int(Command, "BatchSize", "100", 1, 10000, NoInterruption, "Instances per batch: 1–100 percent, or 1–10000 instances when Fixed."),
        Int(Command, "Timeout", "600", 1, 3600, NoInterruption, "Seconds an instance has to finish deploying."),
        Bool(Command, "IgnoreHealthCheck", "false", NoInterruption, "Carry on to the next batch even when health checks fail."),
        Enum(Command, "HealthCheckSuccessThreshold", "Ok", ["Ok", "Warning", "Degraded", "Severe"], NoInterruption, "Health an instance must reach for a deployment to succeed."),

        Int(TrafficSplitting, "NewVersionPercent", "10", 1, 100, NoInterruption, "Percent of traffic sent to the new version during evaluation."),
        Int(TrafficSplitting, "EvaluationTime", "5", 3, 600, NoInterruption, "Minutes to evaluate the new version before shifting all traffic."),

        Str(Canary, "Steps", null, NoInterruption, "Sprout: traffic schedule for TrafficSplitting, e.g. 10%:1m,100% (canary) or +25%:30s (linear)."),
        Str(Canary, "MaxErrorRateIncrease", "1", NoInterruption, "Sprout: percentage points the new version's 5xx rate may exceed the old version's."),
        Str(Canary, "MaxP99LatencyRatio", "1.5", NoInterruption, "Sprout: multiple of the old version's p99 latency the new version may reach."),
        Int(Canary, "MinimumRequests", "50", 1, 1000000, NoInterruption, "Sprout: requests each version must serve before the comparison counts."),

        Enum(OptionNamespaces.Environment, "EnvironmentType", "LoadBalanced", ["LoadBalanced", "SingleInstance"], RestartEnvironment, "Load-balanced or single instance."),
        Str(OptionNamespaces.Environment, "ServiceRole", null, NoInterruption, "Role Beanstalk uses to manage the environment."),
        Enum(OptionNamespaces.Environment, "LoadBalancerType", "classic", ["classic", "application", "network"], RestartEnvironment, "Kind of load balancer."),
        Bool(OptionNamespaces.Environment, "LoadBalancerIsShared", "false", RestartEnvironment, "Use a shared application load balancer."),

        Str(Application, "Application Healthcheck URL", "/", NoInterruption, "Health check path, or PROTO:PORT/path."),

        Int(DefaultProcess, "DeregistrationDelay", "20", 0, 3600, NoInterruption, "Seconds to drain an instance before deregistering it."),
        Int(DefaultProcess, "HealthCheckInterval", "15", 5, 300, NoInterruption, "Seconds between health checks."),
        Str(DefaultProcess, "HealthCheckPath", "/", NoInterruption, "Path health checks request."),
        Int(DefaultProcess, "HealthCheckTimeout", "5", 1, 60, NoInterruption, "Seconds to wait for a health check response."),
        Int(DefaultProcess, "HealthyThresholdCount", "3", 2, 10, NoInterruption, "Consecutive successes before an instance is healthy."),
        Int(DefaultProcess, "UnhealthyThresholdCount", "5", 2, 10, NoInterruption, "Consecutive failures before an instance is unhealthy."),
        Str(DefaultProcess, "MatcherHTTPCode", "200", NoInterruption, "HTTP codes that count as healthy: comma list or ranges within 200–499."),
        Int(DefaultProcess, "Port", "80", 1, 65535, NoInterruption, "Port the process listens on."),
        Enum(DefaultProcess, "Protocol", "HTTP", ["HTTP", "HTTPS", "TCP"], NoInterruption, "Protocol to the process."),
        Bool(DefaultProcess, "StickinessEnabled", "false", NoInterruption, "Sticky sessions."),
        Int(DefaultProcess, "StickinessLBCookieDuration", "86400", 1, 604800, NoInterruption, "Lifetime of the sticky-session cookie in seconds."),
        Enum(DefaultProcess, "StickinessType", "lb_cookie", ["lb_cookie"], NoInterruption, "Kind of stickiness."),
        Enum(SproutRouter, "LoadBalancingAlgorithm", "least_outstanding_requests", ["least_outstanding_requests", "round_robin"], NoInterruption,
            "How the router picks an instance (the ALB target group's load_balancing.algorithm.type): least outstanding requests (power of two choices) or round robin."),
        List(SproutRouter, "Hostnames", null, null, NoInterruption,
            "Extra host names the environment answers besides its CNAME (comma list, no port), like an ALB listener rule's HostHeaders."),

        Int(ClassicHealthCheck, "HealthyThreshold", "3", 2, 10, NoInterruption, "Consecutive successes before an instance is healthy (classic LB)."),
        Int(ClassicHealthCheck, "Interval", "10", 5, 300, NoInterruption, "Seconds between health checks (classic LB)."),
        Int(ClassicHealthCheck, "Timeout", "5", 2, 60, NoInterruption, "Seconds to wait for a health check response (classic LB)."),
        Int(ClassicHealthCheck, "UnhealthyThreshold", "5", 2, 10, NoInterruption, "Consecutive failures before an instance is unhealthy (classic LB)."),
        Str(ClassicHealthCheck, "Target", "TCP:80", NoInterruption, "Deprecated health check target, PROTO:PORT[/path]."),

        Enum(HealthReporting, "SystemType", "basic", ["basic", "enhanced"], NoInterruption, "Health reporting system."),
        Json(HealthReporting, "ConfigDocument", null, NoInterruption, "Enhanced health rules and CloudWatch metrics (JSON)."),
        Bool(HealthReporting, "EnhancedHealthAuthEnabled", "true", NoInterruption, "Require authorisation for enhanced health reports."),
        Enum(HealthReporting, "HealthCheckSuccessThreshold", "Ok", ["Ok", "Warning", "Degraded", "Severe"], NoInterruption, "Health an instance must reach for a deployment to succeed."),

        Str(ScheduledAction, "StartTime", null, NoInterruption, "ISO-8601 UTC time the action first runs."),
        Str(ScheduledAction, "EndTime", null, NoInterruption, "ISO-8601 UTC time a recurring action stops."),
        Int(ScheduledAction, "MinSize", null, 0, 10000, NoInterruption, "MinSize to apply."),
        Int(ScheduledAction, "MaxSize", null, 0, 10000, NoInterruption, "MaxSize to apply."),
        Int(ScheduledAction, "DesiredCapacity", null, 0, 10000, NoInterruption, "Desired capacity to apply."),
        Str(ScheduledAction, "Recurrence", null, NoInterruption, "Cron expression (five fields); none means run once at StartTime."),
        Bool(ScheduledAction, "Suspend", "false", NoInterruption, "Temporarily disable the action."),

        Str(Sqsd, "WorkerQueueURL", null, RestartApplicationServer, "Queue the worker daemon reads."),
        Str(Sqsd, "HttpPath", "/", RestartApplicationServer, "Path messages are POSTed to."),
        Str(Sqsd, "MimeType", "application/json", RestartApplicationServer, "Content-Type of the POST."),
        Int(Sqsd, "HttpConnections", "50", 1, 100, RestartApplicationServer, "Concurrent POSTs to the application."),
        Int(Sqsd, "ConnectTimeout", "5", 1, 60, RestartApplicationServer, "Seconds to connect to the application."),
        Int(Sqsd, "InactivityTimeout", "299", 1, 36000, RestartApplicationServer, "Seconds to wait for a response."),
        Int(Sqsd, "VisibilityTimeout", "300", 0, 43200, RestartApplicationServer, "Seconds a message stays locked while processed."),
        Int(Sqsd, "ErrorVisibilityTimeout", "2", 0, 43200, RestartApplicationServer, "Seconds before a failed message is visible again."),
        Int(Sqsd, "RetentionPeriod", "345600", 60, 1209600, RestartApplicationServer, "Seconds a message stays valid."),
        Int(Sqsd, "MaxRetries", "10", 1, 100, RestartApplicationServer, "Attempts before a message goes to the dead-letter queue."),

        Bool(CloudWatchLogs, "StreamLogs", "false", NoInterruption, "Stream instance logs."),
        Bool(CloudWatchLogs, "DeleteOnTerminate", "false", NoInterruption, "Delete streamed logs when the environment terminates."),
        Enum(CloudWatchLogs, "RetentionInDays", "7",
            ["1", "3", "5", "7", "14", "30", "60", "90", "120", "150", "180", "365", "400", "545", "731", "1827", "3653"],
            NoInterruption, "Days streamed logs are kept."),

        Enum(Proxy, "ProxyServer", "nginx", ["nginx", "apache", "none"], RestartApplicationServer, "Reverse proxy in front of the application."),
    ];

    private static OptionDefinition Int(string ns, string name, string? defaultValue, long? min, long? max, ChangeSeverity severity, string description) =>
        new(ns, name, OptionType.Integer, defaultValue, min, max, null, severity, description);

    private static OptionDefinition Bool(string ns, string name, string defaultValue, ChangeSeverity severity, string description) =>
        new(ns, name, OptionType.Boolean, defaultValue, null, null, null, severity, description);

    private static OptionDefinition Str(string ns, string name, string? defaultValue, ChangeSeverity severity, string description) =>
        new(ns, name, OptionType.String, defaultValue, null, null, null, severity, description);

    private static OptionDefinition Enum(string ns, string name, string? defaultValue, IReadOnlyList<string> allowed, ChangeSeverity severity, string description) =>
        new(ns, name, OptionType.Enum, defaultValue, null, null, allowed, severity, description);

    private static OptionDefinition List(string ns, string name, string? defaultValue, IReadOnlyList<string>? allowed, ChangeSeverity severity, string description) =>
        new(ns, name, OptionType.List, defaultValue, null, null, allowed, severity, description);

    private static OptionDefinition Json(string ns, string name, string? defaultValue, ChangeSeverity severity, string description) =>
        new(ns, name, OptionType.Json, defaultValue, null, null, null, severity, description);
}
