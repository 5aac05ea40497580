namespace Sprout.Core.Deployments;

public enum DeploymentResult
{
    /// <summary>Every instance runs the target; the environment's version is the target's.</summary>
    Succeeded,
    /// <summary>The deployment failed and everything it changed was undone; the environment is as before.</summary>
    RolledBack,
    /// <summary>The deployment failed and, as Beanstalk does for this policy, was left where it stopped (mixed versions or downtime); redeploy to repair.</summary>
    Failed,
    /// <summary>Undoing a failed deployment failed too; instances may be mixed.</summary>
    RollbackFailed,
}
