namespace Sprout.Core.Deployments;

/// <summary>The mechanism a plan uses; decides how a failure is recovered.</summary>
public enum DeploymentStrategy
{
    /// <summary>Every instance at once, in place (deployment policy AllAtOnce, or a rolling update that is disabled).</summary>
    AllAtOnce,
    /// <summary>In place, batch by batch.</summary>
    Rolling,
    /// <summary>One extra batch launched first, then in place batch by batch, then the extra batch terminated.</summary>
    RollingWithAdditionalBatch,
    /// <summary>A full new set of instances beside the old ones, then the old ones terminated.</summary>
    Immutable,
    /// <summary>A full new set in its own target group that gets a share of the traffic before all of it.</summary>
    TrafficSplitting,
    /// <summary>Configuration change: instances replaced batch by batch (rolling update, Time or Health).</summary>
    RollingReplacement,
    /// <summary>Configuration change with the rolling update disabled: every instance replaced at once.</summary>
    ReplaceAll,
    /// <summary>One hostname's traffic moved step by step from one environment to another.</summary>
    CnameShift,
}
