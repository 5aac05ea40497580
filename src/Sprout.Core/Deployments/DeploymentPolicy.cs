namespace Sprout.Core.Deployments;

/// <summary><c>aws:elasticbeanstalk:command</c> <c>DeploymentPolicy</c>: how a new application version reaches the instances.</summary>
public enum DeploymentPolicy
{
    AllAtOnce,
    Rolling,
    RollingWithAdditionalBatch,
    Immutable,
    TrafficSplitting,
}
