namespace Sprout.Core.Deployments;

public enum StepStatus
{
    /// <summary>Started and not known to have finished: after a restart it runs again.</summary>
    Running,
    Succeeded,
    Failed,
}
