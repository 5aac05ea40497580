using Sprout.Core.Deployments;

namespace Sprout.Core.Tests.Deployments;

/// <summary>Plays the reconciler against a <see cref="FleetSimulator"/>: runs, fails and "crashes" deployments.</summary>
internal static class DeploymentDriver
{
    public static readonly DateTimeOffset T0 = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Drives the reconciler loop against the simulator; <paramref name="fail"/> decides which step index fails, once.</summary>
    public static (DeploymentState State, DeploymentOutcome Outcome) RunToEnd(DeploymentState state, FleetSimulator fleet, int? fail = null)
    {
        for (var guard = 0; guard < 500; guard++)
        {
            switch (DeploymentCursor.NextAction(state))
            {
                case FinishedAction finished:
                    return (state, finished.Outcome);
                case RunStepAction run:
                    state = state.Started(run.Step.Index, T0.AddSeconds(guard));
                    if (run.Step.Index == fail)
                    {
                        fail = null;
                        fleet.Apply(FleetSimulator.Partial(run.Step, run.Step.Instances.Count / 2));
                        state = state.Failed(run.Step.Index, new StepFailure(StepFailureKind.HealthCheckFailed, "unhealthy"), T0.AddSeconds(guard));
                        break;
                    }

                    fleet.Apply(run.Step);
                    state = state.Succeeded(run.Step.Index, T0.AddSeconds(guard));
                    break;
                default:
                    throw new InvalidOperationException();
            }
        }

        throw new InvalidOperationException("the deployment did not finish");
    }

    /// <summary>Runs steps before <paramref name="crashAt"/>, starts it and does <paramref name="done"/> of its instances, then "restarts" through JSON.</summary>
    public static DeploymentState CrashAt(DeploymentState state, FleetSimulator fleet, int crashAt, int done)
    {
        var phase = state.Recovery?.Steps ?? state.Plan.Steps;
        foreach (var step in phase.Where(s => s.Index < crashAt && state.RecordOf(s.Index)?.Status != StepStatus.Succeeded))
        {
            var next = Assert.IsType<RunStepAction>(DeploymentCursor.NextAction(state));
            Assert.Equal(step.Index, next.Step.Index);
            state = state.Started(step.Index, T0).Succeeded(step.Index, T0);
            fleet.Apply(step);
        }

        var crashed = state.AllSteps.Single(s => s.Index == crashAt);
        state = state.Started(crashAt, T0.AddMinutes(1));
        fleet.Apply(FleetSimulator.Partial(crashed, done));
        return DeploymentJson.Deserialize(DeploymentJson.Serialize(state));
    }
}
