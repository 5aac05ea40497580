namespace Sprout.Core.Deployments;

/// <summary>Decides, from persisted state alone, what happens next; used on every tick and after a server restart.</summary>
public static class DeploymentCursor
{
    /// <summary>
    /// The first step, in order, that has not succeeded (resuming it if it had started), or the outcome when none is
    /// left. A deployment therefore either completes or, once a step failed, runs its recovery to the end.
    /// </summary>
    public static DeploymentAction NextAction(DeploymentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.FinalOutcome is { } final)
        {
            return new FinishedAction(final);
        }

        var (steps, phase) = state.Recovery is null
            ? (state.Plan.Steps, DeploymentPhase.Forward)
            : (state.Recovery.Steps, DeploymentPhase.Recovery);
        foreach (var step in steps)
        {
            var record = state.RecordOf(step.Index);
            if (record?.Status == StepStatus.Succeeded)
            {
                continue;
            }

            var resuming = record?.Status == StepStatus.Running;
            return new RunStepAction(step, phase, resuming, resuming ? record!.StartedAt : null);
        }

        return new FinishedAction(state.Recovery?.Outcome ?? DeploymentFailures.Succeeded(state.Plan));
    }
}
