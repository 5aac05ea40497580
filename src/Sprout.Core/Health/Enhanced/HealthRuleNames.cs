namespace Sprout.Core.Health.Enhanced;

/// <summary>The name of every enhanced health rule, as docs/health-rules.md and the ConfigDocument spell them.</summary>
public static class HealthRuleNames
{
    // Instance rules.
    public const string InstanceLaunching = "InstanceLaunching";
    public const string InstanceDeploying = "InstanceDeploying";
    public const string InstanceOperationTimedOut = "InstanceOperationTimedOut";
    public const string InstanceNoData = "InstanceNoData";
    public const string InstanceOutOfService = "InstanceOutOfService";
    public const string InstanceDraining = "InstanceDraining";
    public const string HealthCheckFailures = "HealthCheckFailures";
    public const string IncorrectVersion = "IncorrectVersion";
    public const string CPUUtilization = "CPUUtilization";

    // Request rules, on each instance and on the environment's total.
    public const string ApplicationRequests5xx = "ApplicationRequests5xx";
    public const string ApplicationRequests4xx = "ApplicationRequests4xx";
    public const string ApplicationLatencyP99 = "ApplicationLatencyP99";

    // Environment rules.
    public const string ELBRequests5xx = "ELBRequests5xx";
    public const string ELBRequests4xx = "ELBRequests4xx";
    public const string EnvironmentSuspended = "EnvironmentSuspended";
    public const string OperationInProgress = "OperationInProgress";
    public const string NoInstances = "NoInstances";
    public const string NoneInService = "NoneInService";
    public const string BelowMinimumSize = "BelowMinimumSize";
    public const string BelowDesiredCapacity = "BelowDesiredCapacity";
    public const string InstancesImpaired = "InstancesImpaired";
    public const string InstancesSendingNoData = "InstancesSendingNoData";
}
