using Microsoft.Extensions.Logging;
using Sprout.Core.Model;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

internal sealed partial class EnvironmentController
{
    private async Task RunOperationAsync(CancellationToken cancellationToken)
    {
        await _operationLock.WaitAsync(cancellationToken);
        EnvironmentRow? row = null;
        try
        {
            row = await _services.Store.GetEnvironmentByIdAsync(Id, cancellationToken) ?? throw new InvalidOperationException($"Environment {Id} vanished.");
            if (row.Operation == OperationKind.Terminate)
            {
                await TerminateInstancesAsync(row, cancellationToken);
                return;
            }

            if (row.Operation == OperationKind.Shift)
            {
                // A CNAME shift is driven by its source's controller (StartShift), resumed by EnvironmentManager.
                return;
            }

            if (row.Operation == OperationKind.Deploy)
            {
                await RunDeploymentAsync(row, cancellationToken);
                return;
            }

            if (row.Operation == OperationKind.Configure && await TryRunRollingUpdateAsync(row, cancellationToken))
            {
                return;
            }

            var previousVersion = Instances.Select(i => i.Row.VersionLabel).FirstOrDefault(v => v != row.VersionLabel);
            var result = await ConvergeAsync(row, cancellationToken);
            await FinishAsync(row, result, previousVersion, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The server is stopping; the operation stays recorded and resumes at the next start.
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Operation on {Environment} failed", Name);
            await FinishAfterErrorAsync(row, e);
        }
        finally
        {
            _operationLock.Release();
        }
    }

    /// <summary>
    /// An operation that failed unexpectedly must still end, or the environment would refuse
    /// every later request ("Must be Ready"); the store may itself be the trouble, so retry.
    /// </summary>
    private async Task FinishAfterErrorAsync(EnvironmentRow? row, Exception error)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                row ??= await _services.Store.GetEnvironmentByIdAsync(Id, CancellationToken.None);
                if (row is null)
                {
                    return;
                }

                if (row.Operation == OperationKind.Terminate)
                {
                    await TerminateInstancesAsync(row, CancellationToken.None);
                }
                else
                {
                    await FinishAsync(row, ConvergeResult.Failure($"internal error: {error.Message}"), null, CancellationToken.None);
                }

                return;
            }
            catch (Exception e) when (attempt < 5)
            {
                _logger.LogError(e, "Could not end the failed operation on {Environment}; retrying", Name);
                await Task.Delay(TimeSpan.FromSeconds(attempt), _services.Time, CancellationToken.None);
            }
        }
    }

    private async Task FinishAsync(EnvironmentRow row, ConvergeResult result, string? previousVersion, CancellationToken cancellationToken)
    {
        var events = new List<EventDraft>();
        if (!result.Succeeded && result.Cause is not null)
        {
            events.Add(Event(row, EventSeverity.ERROR, result.Cause));
        }

        events.AddRange(ClosingEvents(row, result.Succeeded));
        if (!result.Succeeded && row.Operation == OperationKind.Deploy && previousVersion is not null)
        {
            // Beanstalk resets the expected version to the last successful deployment.
            await _services.Store.SetVersionAsync(Id, previousVersion, cancellationToken);
            events.Add(Event(row, EventSeverity.WARN, $"The environment's version was set back to {previousVersion}, its last successful deployment. Redeploy with `sprout deploy --version LABEL`."));
        }

        await EndOperationAsync(events, cancellationToken);
    }

    /// <summary>Ready again: the judged health and the closing events, in the store.</summary>
    private async Task EndOperationAsync(IReadOnlyList<EventDraft> events, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _status = EnvironmentStatus.Ready;
        }

        var health = EvaluateHealth();
        await _services.Store.SetHealthAsync(Id, health.Color, health.Status, health.Causes, null, cancellationToken);
        await _services.Store.FinishOperationAsync(Id, EnvironmentStatus.Ready, events, cancellationToken);
        SignalRefresh();
    }

    private IEnumerable<EventDraft> ClosingEvents(EnvironmentRow row, bool succeeded)
    {
        switch (row.Operation, succeeded)
        {
            case (OperationKind.Launch, true):
                yield return Event(row, EventSeverity.INFO, $"Successfully launched environment: {row.Name}");
                break;
            case (OperationKind.Launch, false):
                yield return Event(row, EventSeverity.ERROR, "Create environment operation is complete, but with errors. For more information, see the events above and `sprout logs`.");
                break;
            case (OperationKind.Deploy, true):
                yield return Event(row, EventSeverity.INFO, "New application version was deployed to running instances.");
                yield return Event(row, EventSeverity.INFO, "Environment update completed successfully.");
                break;
            case (OperationKind.Deploy, false):
                yield return Event(row, EventSeverity.ERROR, "Failed to deploy application.");
                break;
            case (OperationKind.Configure, true):
                yield return Event(row, EventSeverity.INFO, "Successfully deployed new configuration to environment.");
                yield return Event(row, EventSeverity.INFO, "Environment update completed successfully.");
                break;
            case (OperationKind.Configure, false):
                yield return Event(row, EventSeverity.ERROR, "Failed to deploy configuration.");
                break;
            case (_, true):
                yield return Event(row, EventSeverity.INFO, "Environment update completed successfully.");
                break;
            default:
                yield return Event(row, EventSeverity.ERROR, "Update environment operation is complete, but with errors.");
                break;
        }
    }


    private async Task TerminateInstancesAsync(EnvironmentRow row, CancellationToken cancellationToken)
    {
        // Traffic stops first: a terminating environment answers 404 like one that never existed.
        RetireRoutes();
        var all = Instances;
        await Task.WhenAll(all.Select(i => TerminateBestEffortAsync(row, i, cancellationToken)));

        lock (_gate)
        {
            _instances.Clear();
            _status = EnvironmentStatus.Terminated;
        }

        await _services.Store.SetHealthAsync(Id, HealthColor.Grey, "Suspended", [], null, cancellationToken);
        await _services.Store.FinishOperationAsync(Id, EnvironmentStatus.Terminated, [Event(row, EventSeverity.INFO, "terminateEnvironment completed successfully.")], cancellationToken);
        _services.Metrics.ForgetEnvironment(Name);
        Terminated?.Invoke(this);
    }

    /// <summary>Termination goes on past an instance that resists; what is left is said in an event, not hidden.</summary>
    private async Task TerminateBestEffortAsync(EnvironmentRow row, InstanceRuntime instance, CancellationToken cancellationToken)
    {
        try
        {
            await instance.TerminateAsync(StopGrace, $"Removed instance [{instance.Id}] from your environment.", cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _logger.LogError(e, "Terminating instance {Instance} failed", instance.Id);
            await _services.Store.AppendEventAsync(Event(row, EventSeverity.ERROR, $"Instance {instance.Id} could not be stopped cleanly: {e.Message}"), CancellationToken.None);
        }
        finally
        {
            await instance.DisposeAsync();
            Forget(instance.Id);
        }
    }
}
