namespace Sprout.Core.Deployments;

public enum StepFailureKind
{
    /// <summary>Instances did not pass health checks within the timeout.</summary>
    HealthCheckFailed,
    /// <summary>Instances could not be started (capacity, MaxSize, port exhaustion).</summary>
    LaunchFailed,
    /// <summary>The new version could not be installed or started on an instance.</summary>
    CommandFailed,
    /// <summary>Canary analysis found the new version worse than the old one.</summary>
    CanaryRegressed,
    /// <summary>A person aborted the deployment (AbortEnvironmentUpdate).</summary>
    Aborted,
    /// <summary>Sprout itself could not carry out the step (router, store).</summary>
    Internal,
}
