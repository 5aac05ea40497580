using Microsoft.Extensions.Logging;
using Sprout.Core.Deployments;
using Sprout.Core.Model;

namespace Sprout.Server.Environments;

/// <summary>
/// The one loop that drives a planned operation (a deployment, a rolling configuration update, a CNAME shift) step by
/// step: the state is saved with its events before and after every step, an abort cancels only the step that waits and
/// turns into the policy's recovery, and a failure records the recovery the planner chose.
/// </summary>
internal sealed partial class EnvironmentController
{
    /// <param name="run">The live run; its state is replaced after every transition.</param>
    /// <param name="operation">Named in events and logs: "deployment" or "shift".</param>
    /// <param name="execute">Runs one step (with the time it first started, kept across restarts).</param>
    /// <param name="save">Saves the state with the events of that transition.</param>
    private async Task RunPlannedStepsAsync(
        DeploymentRun run,
        string operation,
        Func<DeploymentStep, DateTimeOffset, CancellationToken, Task<StepFailure?>> execute,
        Func<DeploymentState, IReadOnlyList<DeploymentEvent>, CancellationToken, Task> save,
        CancellationToken cancellationToken)
    {
        var aborting = $"Aborting the {operation} at the user's request.";
        while (DeploymentCursor.NextAction(run.State) is RunStepAction next)
        {
            var step = next.Step;
            if (run.TakeAbort())
            {
                run.State = run.State.Abort(_services.Time.GetUtcNow());
                await save(run.State, [new(EventSeverity.WARN, aborting), .. run.State.Recovery?.Events ?? []], cancellationToken);
                continue;
            }

            run.State = run.State.Started(step.Index, _services.Time.GetUtcNow());
            List<DeploymentEvent> starting = [new(EventSeverity.INFO, step.Description)];
            if (next.Resuming)
            {
                starting.Insert(0, new(EventSeverity.INFO, $"Resuming step {step.Index + 1} after a server restart."));
            }

            await save(run.State, starting, cancellationToken);
            StepFailure? failure;
            using var stepCancellation = run.BeginStep(step, cancellationToken);
            try
            {
                failure = await execute(step, next.FirstStartedAt ?? _services.Time.GetUtcNow(), stepCancellation.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && run.TakeAbort())
            {
                failure = new StepFailure(StepFailureKind.Aborted, $"The {operation} was aborted at the user's request.");
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _logger.LogError(e, "Step {Step} of the {Operation} on {Environment} failed", step.Index, operation, Name);
                failure = new StepFailure(StepFailureKind.Internal, e.Message);
            }

            var now = _services.Time.GetUtcNow();
            if (failure is null)
            {
                run.State = run.State.Succeeded(step.Index, now);
                await save(run.State, [], cancellationToken);
                continue;
            }

            var inRecovery = run.State.Recovery is not null;
            run.State = run.State.Failed(step.Index, failure, now);
            IReadOnlyList<DeploymentEvent> failed = inRecovery || run.State.Recovery is null
                ? [new(EventSeverity.ERROR, $"Recovery step {step.Index + 1} failed ({step.Description.TrimEnd('.')}): {failure.Detail}")]
                : failure.Kind == StepFailureKind.Aborted
                    ? [new(EventSeverity.WARN, aborting), .. run.State.Recovery.Events]
                    : run.State.Recovery.Events;
            await save(run.State, failed, cancellationToken);
        }
    }
}
