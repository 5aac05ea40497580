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
    private RoutePolicy _routePolicy = RoutePolicy.Default;
    private IReadOnlyList<string> _extraHostnames = [];
    private string _cname;
    private DeploymentRun? _deployment;

    public EnvironmentController(EnvironmentServices services, EnvironmentRow row)
    {
        _services = services;
        _logger = services.LoggerFactory.CreateLogger<EnvironmentController>();
        Id = row.Id;
        Name = row.Name;
        Application = row.Application;
        _cname = row.Cname;
        _status = row.Status;
        _desiredCapacity = row.DesiredCapacity;
        _health = new EnvironmentHealth(row.Health, row.HealthStatus, row.CauseList);
        _refreshLoop = Task.Run(() => RefreshLoopAsync(_life.Token));
    }

    public string Id { get; }

    public string Name { get; }

    public string Application { get; }

    /// <summary>The CNAME prefix; changes only by a swap.</summary>
    public string Cname => Volatile.Read(ref _cname);

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

                // An instance keeps the configuration it was launched with (a rolling update may be half-way).
                var spec = LaunchSpec(row, instance.Id, instance.Port, instanceVersion,
                    (await LoadLaunchSettingsAsync(row, instance.ConfigGeneration, instanceVersion.SlugDirectory, cancellationToken)).Options);
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

        if (row.Operation == OperationKind.Deploy && await _services.Store.GetDeploymentAsync(Id, cancellationToken) is { } deployment)
        {
            // The route keeps the traffic split the deployment had reached, from the first publish on.
            SetGroupWeights(DeploymentWeights(deployment));
        }

        SignalRefresh();
        if (row.Operation is not null)
        {
            await _services.Store.AppendEventAsync(Event(row, EventSeverity.INFO, $"Resuming the interrupted {row.Operation} operation after a server restart."), cancellationToken);
            StartOperation(row);
        }
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
        _routePolicy = new RoutePolicy
        {
            Algorithm = options.LoadBalancingAlgorithm == "round_robin" ? LoadBalancingAlgorithm.RoundRobin : LoadBalancingAlgorithm.LeastOutstandingRequests,
            StickinessDuration = options.StickinessDuration,
        };
        _extraHostnames = options.ExtraHostnames;
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

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _life.CancelAsync();
        await _operation.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _repair.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _scaling.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _refreshLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        foreach (var instance in Instances)
        {
            await instance.DisposeAsync();
        }

        _life.Dispose();
    }
}
