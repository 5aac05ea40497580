using Sprout.Core.Health;
using Sprout.Core.Health.Enhanced;
using Sprout.Core.Model;
using Sprout.Core.Options;
using Sprout.Core.Scaling;
using Sprout.Server.Metrics;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

/// <summary>
/// Enhanced health: every refresh builds an <see cref="EnvironmentObservation"/> from the instances' states, the
/// router's last 10 seconds (Beanstalk's window) and the instances' system readings, judges it with
/// <see cref="EnhancedHealthEvaluator"/>, stores the colour, status and causes at once, and reports transitions
/// as Beanstalk-worded events once they have held for <see cref="TransitionHold"/>.
/// </summary>
internal sealed partial class EnvironmentController
{
    /// <summary>Beanstalk's enhanced health window.</summary>
    public static readonly TimeSpan HealthWindow = TimeSpan.FromSeconds(10);

    /// <summary>A new status must hold this long before it becomes an event, so a blip does not flood the event list.</summary>
    private static readonly TimeSpan TransitionHold = TimeSpan.FromSeconds(10);

    private readonly SemaphoreSlim _healthWrite = new(1, 1);
    private HealthTransitionTracker? _transitions;
    private EnvironmentHealthAssessment? _assessment;
    private volatile EnvironmentSettingsView? _settingsView;

    /// <summary>The last judgement, for the Beanstalk-shaped health API; null before the first refresh.</summary>
    public EnvironmentHealthAssessment? LatestAssessment => Volatile.Read(ref _assessment);

    /// <summary>Instances the environment should run now.</summary>
    public int DesiredCapacity
    {
        get
        {
            lock (_gate)
            {
                return _desiredCapacity;
            }
        }
    }

    /// <summary>Re-reads the options when the environment changed, then judges and records health (the server calls this every 2 s).</summary>
    public async Task RefreshHealthAsync(CancellationToken cancellationToken)
    {
        await RefreshSettingsViewAsync(cancellationToken);
        await RecordHealthAsync(cancellationToken);
        // An unhealthy instance left alone during its grace period is looked at again here.
        ReplaceUnhealthyInBackground();
    }

    /// <summary>The environment's options as last read, reloaded only when its row changed (an operation began or ended).</summary>
    private async Task<EnvironmentSettingsView?> RefreshSettingsViewAsync(CancellationToken cancellationToken)
    {
        var row = await _services.Store.GetEnvironmentByIdAsync(Id, cancellationToken);
        if (row is null)
        {
            return null;
        }

        var current = _settingsView;
        if (current is not null && current.Updated == row.Updated && current.VersionLabel == row.VersionLabel)
        {
            return current with { Row = row };
        }

        var version = row.VersionLabel is null ? null : await _services.Store.GetVersionAsync(row.Application, row.VersionLabel, cancellationToken);
        var settings = await _services.Settings.LoadAsync(Id, version?.SlugDirectory, cancellationToken);
        var view = new EnvironmentSettingsView(row, row.Updated, row.VersionLabel, version, settings.Options, EnhancedHealthConfiguration.From(settings.Options, out _), ScalingPolicy.From(settings.Options));
        _settingsView = view;
        return view;
    }

    private EnvironmentHealthAssessment AssessHealth()
    {
        EnvironmentStatus status;
        int desired;
        lock (_gate)
        {
            status = _status;
            desired = _desiredCapacity;
        }

        var now = _services.Time.GetUtcNow();
        var view = _settingsView;
        var options = view?.HealthOptions ?? EnhancedHealthOptions.Default;
        var minSize = ScalingMinSize ?? view?.Options.MinSize ?? desired;
        var instances = Instances.Select(i => Observe(i, options)).ToList();
        var total = _services.Metrics.Snapshot(Name, null, HealthWindow);
        var unrouted = _services.Metrics.Snapshot(Name, string.Empty, HealthWindow);
        var observation = new EnvironmentObservation(
            Name,
            status,
            desired,
            Math.Min(minSize, desired),
            instances,
            ExpectedVersionLabel: view?.VersionLabel,
            LoadBalancer: new LoadBalancerMetrics(total.Window, total.RequestCount, unrouted.Status4xx, unrouted.Status5xx));
        var assessment = EnhancedHealthEvaluator.Evaluate(observation, options, now);
        Volatile.Write(ref _assessment, assessment);
        return assessment;
    }

    private InstanceObservation Observe(InstanceRuntime instance, EnhancedHealthOptions options)
    {
        var view = instance.HealthView;
        var row = instance.Row;
        var window = _services.Metrics.Snapshot(Name, instance.Id, HealthWindow);
        var system = _services.SystemMetrics.Of(instance.Id);
        return new InstanceObservation(
            instance.Id,
            view.State,
            row.Launched,
            ConsecutiveHealthCheckFailures: view.State == InstanceState.Unhealthy ? _healthSettings?.UnhealthyThreshold ?? 1 : 0,
            LastHealthCheckFailure: view.Cause,
            Requests: ToRequestMetrics(window),
            Cpu: system?.Cpu?.ToCpuUtilization(),
            LoadAverage: _services.SystemMetrics.Host?.LoadAverage?.AsList(),
            // An instance never read yet (just started) is not "sending no data": it has not had its first round.
            LastReportedAt: system?.At ?? (view.State == InstanceState.InService ? _services.Time.GetUtcNow() : null),
            VersionLabel: row.VersionLabel,
            DeploymentId: row.DeploymentId,
            DeploymentStatus: view.State == InstanceState.Pending ? "In Progress" : "Deployed",
            DeploymentTime: row.Launched);
    }

    private static RequestMetrics ToRequestMetrics(MetricsWindow window) =>
        new(window.Window, window.RequestCount, window.Status2xx, window.Status3xx, window.Status4xx, window.Status5xx,
            window.Latency is { } l ? new RequestLatency(l.P10, l.P50, l.P75, l.P85, l.P90, l.P95, l.P99, l.P999) : null);

    /// <summary>The stored shape: the assessment's colour, status and causes, plus why instances that do not serve are down (crash loops, failed checks).</summary>
    private EnvironmentHealth EvaluateHealth()
    {
        var assessment = AssessHealth();
        var causes = assessment.Causes.ToList();
        foreach (var instance in Instances.Select(i => i.HealthView).Where(i => i.State != InstanceState.InService && i.Cause is not null))
        {
            var cause = $"Instance {instance.InstanceId}: {instance.Cause}";
            if (!causes.Any(c => c.Contains(instance.Cause!, StringComparison.Ordinal)))
            {
                causes.Add(cause);
            }
        }

        return new EnvironmentHealth(assessment.Color, assessment.Status.ToString(), causes);
    }

    private async Task RecordHealthAsync(CancellationToken cancellationToken)
    {
        await _healthWrite.WaitAsync(cancellationToken);
        try
        {
            var health = EvaluateHealth();
            EnvironmentHealth? before;
            lock (_gate)
            {
                before = _health;
            }

            var now = _services.Time.GetUtcNow();
            if (_transitions is null)
            {
                _transitions = new HealthTransitionTracker("Environment", TransitionHold);
                if (before is not null && Enum.TryParse<HealthStatus>(before.Status, out var stored))
                {
                    // The stored status was reported when it was reached; seed with it so a restart does not report it again.
                    _transitions.Observe(stored, before.Causes, now);
                }
            }

            var status = Enum.Parse<HealthStatus>(health.Status);
            var transition = _transitions.Observe(status, health.Causes, now);
            if (transition is null && before is not null && before.SameAs(health))
            {
                return;
            }

            var draft = transition is null ? null : new EventDraft(transition.Severity, transition.Message, Application, Name);
            await _services.Store.SetHealthAsync(Id, health.Color, health.Status, health.Causes, draft, cancellationToken);
            lock (_gate)
            {
                // Only once written: a failed write is tried again at the next refresh.
                _health = health;
            }
        }
        finally
        {
            _healthWrite.Release();
        }
    }

    /// <summary>What the health and scaling rounds need of the environment's configuration, reloaded when the row changes.</summary>
    private sealed record EnvironmentSettingsView(
        EnvironmentRow Row, DateTimeOffset Updated, string? VersionLabel, VersionRow? Version, EffectiveOptions Options, EnhancedHealthOptions HealthOptions, ScalingPolicy ScalingPolicy);
}
