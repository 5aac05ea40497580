using Microsoft.Extensions.Logging;
using Sprout.Core.Health;
using Sprout.Core.Model;
using Sprout.Core.Options;
using Sprout.Server.Routing;
using Sprout.Server.Runtime;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

/// <summary>
/// Converges one environment's instances to its desired state (version, configuration,
/// capacity) and keeps the router and the health colour in step with what the instances do.
/// Operations are started in the store first (so a restarted server resumes them) and run here
/// one at a time.
/// </summary>
internal sealed partial class EnvironmentController : IAsyncDisposable
{
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(10);

    private readonly EnvironmentServices _services;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly Lock _routesGate = new();
    private readonly Dictionary<string, InstanceRuntime> _instances = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _operationLock = new(1, 1);
    private readonly SemaphoreSlim _refreshSignal = new(0);
    private readonly CancellationTokenSource _life = new();
    private readonly Task _refreshLoop;
    private Task _operation = Task.CompletedTask;
    private bool _routesRetired;
    private int _disposed;
    private EnvironmentHealth? _health;
    private EnvironmentStatus _status;
    private int _desiredCapacity;
    private HealthCheckSettings? _healthSettings;
    private TimeSpan _deregistrationDelay = TimeSpan.FromSeconds(20);

    public EnvironmentController(EnvironmentServices services, EnvironmentRow row)
    {
        _services = services;
        _logger = services.LoggerFactory.CreateLogger<EnvironmentController>();
        Id = row.Id;
        Name = row.Name;
        Application = row.Application;
        Cname = row.Cname;
        _status = row.Status;
        _desiredCapacity = row.DesiredCapacity;
        _health = new EnvironmentHealth(row.Health, row.HealthStatus, row.CauseList);
        _refreshLoop = Task.Run(() => RefreshLoopAsync(_life.Token));
    }

    public string Id { get; }

    public string Name { get; }

    public string Application { get; }

    public string Cname { get; }

    /// <summary>Raised when the environment is terminated, so the manager forgets it.</summary>
    public event Action<EnvironmentController>? Terminated;

    public IReadOnlyList<InstanceRuntime> Instances
    {
        get
        {
            lock (_gate)
            {
                return [.. _instances.Values];
            }
        }
    }

    /// <summary>Runs the operation recorded in the store in the background.</summary>
    public void StartOperation(EnvironmentRow begun)
    {
        lock (_gate)
        {
            _status = begun.Status;
            _desiredCapacity = begun.DesiredCapacity;
            _operation = Task.Run(() => RunOperationAsync(_life.Token));
        }

        SignalRefresh();
    }

    /// <summary>After a server restart: adopt the processes that survived, relaunch the rest, and resume an interrupted operation.</summary>
    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        var row = await _services.Store.GetEnvironmentByIdAsync(Id, cancellationToken) ?? throw new InvalidOperationException($"Environment {Id} vanished.");
        var version = row.VersionLabel is null ? null : await _services.Store.GetVersionAsync(row.Application, row.VersionLabel, cancellationToken);
        var settings = await _services.Settings.LoadAsync(Id, version?.SlugDirectory, cancellationToken);
        ApplySettings(settings.Options);
        foreach (var instance in await _services.Store.ListLiveInstancesAsync(Id, cancellationToken))
        {
            var handle = instance.Handle is { } recorded && _services.Driver.IsAlive(recorded)
                ? recorded
                : _services.Driver.FindRecordedHandle(instance.Id);
            var alive = handle is not null && _services.Driver.IsAlive(handle);
            var instanceVersion = await _services.Store.GetVersionAsync(row.Application, instance.VersionLabel, cancellationToken);
            try
            {
                if (instanceVersion?.SlugDirectory is null || instanceVersion.StartCommand is null)
                {
                    throw new InvalidOperationException($"its version {instance.VersionLabel} has no build to run");
                }

                var spec = LaunchSpec(row, instance.Id, instance.Port, instanceVersion, settings.Options);
                InstanceRuntime runtime;
                if (alive)
                {
                    runtime = InstanceRuntime.Adopt(_services, instance, spec, _healthSettings!, handle!, Application, Name, SignalRefresh);
                    _logger.LogInformation("Adopted instance {Instance} (pid {Pid})", instance.Id, handle!.Pid);
                }
                else
                {
                    instance.State = InstanceState.Pending;
                    runtime = await InstanceRuntime.LaunchAsync(_services, instance, spec, _healthSettings!, Application, Name, SignalRefresh, cancellationToken);
                    await _services.Store.AppendEventAsync(Event(row, EventSeverity.WARN, $"Instance {instance.Id} was not running after the server restarted; started it again."), cancellationToken);
                }

                lock (_gate)
                {
                    _instances[instance.Id] = runtime;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One instance that cannot come back must not keep the others, or the server, down.
                if (alive)
                {
                    await _services.Driver.StopAsync(handle!, StopGrace, cancellationToken);
                }

                instance.State = InstanceState.Terminated;
                instance.Terminated = _services.Time.GetUtcNow();
                await _services.Store.UpdateInstanceAsync(instance, Event(row, EventSeverity.ERROR, $"Instance {instance.Id} could not be restored after the server restarted ({e.Message}); it was removed. The next deployment or scaling replaces it."), cancellationToken);
            }
        }

        SignalRefresh();
        if (row.Operation is not null)
        {
            await _services.Store.AppendEventAsync(Event(row, EventSeverity.INFO, $"Resuming the interrupted {row.Operation} operation after a server restart."), cancellationToken);
            StartOperation(row);
        }
    }

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

    private EventDraft Event(EnvironmentRow row, EventSeverity severity, string message) =>
        new(severity, message, row.Application, row.Name, row.VersionLabel);

    private void ApplySettings(EffectiveOptions options)
    {
        _healthSettings = new HealthCheckSettings(
            options.HealthCheckPath,
            options.HealthCheckInterval,
            options.HealthCheckTimeout,
            options.HealthyThresholdCount,
            options.UnhealthyThresholdCount,
            options.MatcherHttpCode);
        _deregistrationDelay = options.DeregistrationDelay;
    }

    private InstanceLaunchSpec LaunchSpec(EnvironmentRow row, string instanceId, int port, VersionRow version, EffectiveOptions options)
    {
        var environment = new Dictionary<string, string>(options.EnvironmentProperties, StringComparer.Ordinal)
        {
            ["SPROUT_APPLICATION_NAME"] = row.Application,
            ["SPROUT_ENVIRONMENT_NAME"] = row.Name,
            ["SPROUT_VERSION_LABEL"] = version.Label,
            ["SPROUT_INSTANCE_ID"] = instanceId,
        };
        return new InstanceLaunchSpec(instanceId, row.Name, version.SlugDirectory!, version.StartCommand!, port, environment);
    }

    private void SignalRefresh() => _refreshSignal.Release();

    /// <summary>Keeps the router table and the health colour in step with the instances, coalescing bursts of changes.</summary>
    private async Task RefreshLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await _refreshSignal.WaitAsync(cancellationToken);
                while (_refreshSignal.CurrentCount > 0)
                {
                    await _refreshSignal.WaitAsync(cancellationToken);
                }

                PublishRoutes();
                await RecordHealthAsync(cancellationToken);
                ReplaceUnhealthyInBackground();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Refreshing {Environment} failed", Name);
            }
        }
    }

    private void PublishRoutes()
    {
        lock (_routesGate)
        {
            // Computed inside the lock: publishes are serialised and each reflects the states at its
            // moment, so a slow refresh can never re-add an instance that a drain took out.
            var targets = Instances
                .Where(i => i.State == InstanceState.InService)
                .Select(i => new RouteTarget(i.Id, "127.0.0.1", i.Row.Port))
                .ToList();
            // Once the environment's route is retired (terminated), a late refresh must not bring it back.
            if (!_routesRetired)
            {
                _services.Routes.SetEnvironment(new EnvironmentRoute(Name, [_services.HostnameOf(Cname)], targets));
            }
        }
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

    private void RetireRoutes()
    {
        lock (_routesGate)
        {
            _routesRetired = true;
            _services.Routes.RemoveEnvironment(Name);
        }
    }

    private EnvironmentHealth EvaluateHealth()
    {
        EnvironmentStatus status;
        int desired;
        lock (_gate)
        {
            status = _status;
            desired = _desiredCapacity;
        }

        return EnvironmentHealthRules.Evaluate(status, desired, Instances.Select(i => i.HealthView).ToList());
    }

    private async Task RecordHealthAsync(CancellationToken cancellationToken)
    {
        var health = EvaluateHealth();
        EnvironmentHealth? before;
        lock (_gate)
        {
            before = _health;
            if (before is not null && before.SameAs(health))
            {
                return;
            }
        }

        EventDraft? transition = null;
        if (before is null || before.Status != health.Status)
        {
            var worse = health.Color is HealthColor.Red or HealthColor.Yellow;
            var causes = health.Causes.Count == 0 ? "" : " " + string.Join(" ", health.Causes);
            transition = new EventDraft(
                worse ? EventSeverity.WARN : EventSeverity.INFO,
                $"Environment health has transitioned from {before?.Status ?? "Unknown"} to {health.Status}.{causes}",
                Application,
                Name);
        }

        await _services.Store.SetHealthAsync(Id, health.Color, health.Status, health.Causes, transition, cancellationToken);
        lock (_gate)
        {
            // Only once written: a failed write is tried again at the next refresh.
            _health = health;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _life.CancelAsync();
        await _operation.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _repair.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _refreshLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var instance in Instances)
        {
            await instance.DisposeAsync();
        }

        _life.Dispose();
    }
}
