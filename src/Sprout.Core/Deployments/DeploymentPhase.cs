namespace Sprout.Core.Deployments;

public enum DeploymentPhase
{
    /// <summary>Running the plan.</summary>
    Forward,
    /// <summary>Running the steps that follow a failure (rollback, cleanup, or the retried tail after the point of no return).</summary>
    Recovery,
}
