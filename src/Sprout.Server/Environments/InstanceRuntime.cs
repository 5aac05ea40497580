using System.Globalization;
using Microsoft.Extensions.Logging;
using Sprout.Core.Health;
using Sprout.Core.Model;
using Sprout.Server.Health;
using Sprout.Server.Runtime;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

/// <summary>
/// One live instance as the control plane sees it: its supervised process, its active health
/// checks, and its row in the store. State changes are written by a single writer loop, so the
/// store always ends with the latest state even when the process and the probe report at once.
/// </summary>
internal sealed partial class InstanceRuntime : IInstanceObserver, IAsyncDisposable
{
    /// <summary>How often a pending instance is probed; quicker than the in-service interval so a new instance joins in seconds.</summary>
    private static readonly TimeSpan StartupProbeInterval = TimeSpan.FromMilliseconds(500);

    private readonly EnvironmentServices _services;
    private readonly InstanceLaunchSpec _spec;
    private readonly HealthCheckSettings _health;
    private readonly Action _changed;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SemaphoreSlim _dirty = new(0);
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private long _changes;
    private long _recorded;
    private readonly Queue<EventDraft> _pendingEvents = new();
    private readonly CancellationTokenSource _life = new();
    private readonly InstanceSupervisor _supervisor;
    private readonly string _application;
    private readonly string _environmentName;
    private Task _probeLoop = Task.CompletedTask;
    private Task _writerLoop = Task.CompletedTask;
    private readonly HealthCheckCounter _checks;
    private string? _cause;
    private bool _crashLooping;
    private int _disposed;

    private InstanceRuntime(EnvironmentServices services, InstanceRow row, InstanceLaunchSpec spec, HealthCheckSettings health, string application, string environmentName, Action changed)
    {
        _services = services;
        Row = row;
        _spec = spec;
        _health = health;
        _application = application;
        _environmentName = environmentName;
        _changed = changed;
        _checks = new HealthCheckCounter(health.HealthyThreshold, health.UnhealthyThreshold);
        _logger = services.LoggerFactory.CreateLogger<InstanceRuntime>();
        _supervisor = new InstanceSupervisor(services.Driver, spec, this, new SupervisorOptions(), services.Time);
    }

    /// <summary>The row as last observed. Read under no lock: callers only use it for display and decisions that tolerate a stale read.</summary>
    public InstanceRow Row { get; }

    public string Id => Row.Id;

    public InstanceState State
    {
        get
        {
            lock (_gate)
            {
                return Row.State;
            }
        }
    }

    public InstanceHealthView HealthView
    {
        get
        {
            lock (_gate)
            {
                return new InstanceHealthView(Row.Id, Row.State, _cause, _crashLooping);
            }
        }
    }

    /// <summary>Starts a new process for <paramref name="row"/> (a new instance, or one whose process is gone).</summary>
    public static async Task<InstanceRuntime> LaunchAsync(EnvironmentServices services, InstanceRow row, InstanceLaunchSpec spec, HealthCheckSettings health, string application, string environmentName, Action changed, CancellationToken cancellationToken)
    {
        var runtime = new InstanceRuntime(services, row, spec, health, application, environmentName, changed);
        runtime.StartLoops();
        try
        {
            await runtime._supervisor.StartAsync(cancellationToken);
        }
        catch
        {
            await runtime.DisposeAsync();
            throw;
        }

        return runtime;
    }

    /// <summary>Takes over a process that survived a server restart.</summary>
    public static InstanceRuntime Adopt(EnvironmentServices services, InstanceRow row, InstanceLaunchSpec spec, HealthCheckSettings health, InstanceHandle handle, string application, string environmentName, Action changed)
    {
        var runtime = new InstanceRuntime(services, row, spec, health, application, environmentName, changed);
        if (row.State == InstanceState.InService)
        {
            // It was serving before the restart; keep it in the router while probes confirm it.
            runtime._checks.Reset(provenHealthy: true);
        }

        row.Pid = handle.Pid;
        row.ProcessStartTime = handle.ProcessStartTime;
        row.InstanceDirectory = handle.InstanceDirectory;
        runtime.StartLoops();
        runtime._supervisor.Adopt(handle);
        runtime.MarkDirty(null);
        return runtime;
    }

    /// <summary>Takes the instance out of the router at once; in-flight requests finish on their own connections.</summary>
    public void Deregister()
    {
        lock (_gate)
        {
            if (Row.State != InstanceState.Terminated)
            {
                Row.State = InstanceState.Draining;
            }
        }

        MarkDirty(null);
    }

    /// <summary>
    /// Undoes <see cref="Deregister"/> for an instance whose process kept running (a deployment puts a drained batch
    /// back): it must pass its health checks again before it gets traffic.
    /// </summary>
    public void Reregister()
    {
        lock (_gate)
        {
            if (Row.State != InstanceState.Draining || _life.IsCancellationRequested)
            {
                return;
            }

            Row.State = InstanceState.Pending;
            Row.HealthStatus = "Pending";
            _checks.Reset();
        }

        MarkDirty(null);
    }

    /// <summary>Stops the process for good and records the instance as terminated.</summary>
    public Task TerminateAsync(TimeSpan grace, string reason, CancellationToken cancellationToken) =>
        StopForGoodAsync(grace, reason, row =>
        {
            row.State = InstanceState.Terminated;
            row.Terminated = _services.Time.GetUtcNow();
        }, cancellationToken);

    /// <summary>
    /// Stops the process for good while the instance lives on: <paramref name="next"/> turns the row into what the
    /// instance is about to run, and that is what the store records with the stop. A server killed right after still
    /// finds the instance (and starts it on its new version), where a row recorded as terminated would have vanished
    /// from the deployment that was replacing it.
    /// </summary>
    public Task StopForReplacementAsync(TimeSpan grace, string reason, Action<InstanceRow> next, CancellationToken cancellationToken) =>
        StopForGoodAsync(grace, reason, next, cancellationToken);

    private async Task StopForGoodAsync(TimeSpan grace, string reason, Action<InstanceRow> final, CancellationToken cancellationToken)
    {
        Deregister();
        await _life.CancelAsync();
        await _probeLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _supervisor.StopAsync(grace, cancellationToken);
        if (_supervisor.Current is { } handle)
        {
            await _services.Driver.CleanupAsync(handle, cancellationToken);
        }

        await _writerLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        // Inside the write gate, so that a step's RecordedAsync cannot write an older row after this final one.
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            InstanceRow last;
            lock (_gate)
            {
                final(Row);
                last = Row.Copy();
            }

            // Whatever the writer loop had not written yet goes out with the final state.
            var events = TakePendingEvents();
            events.Add(Event(EventSeverity.INFO, reason));
            await WriteAsync(last, events, cancellationToken);
            Volatile.Write(ref _recorded, Volatile.Read(ref _changes));
        }
        finally
        {
            _writeGate.Release();
        }

        _changed();
    }

    public void InstanceStarted(string instanceId, InstanceHandle handle)
    {
        lock (_gate)
        {
            Row.Pid = handle.Pid;
            Row.ProcessStartTime = handle.ProcessStartTime;
            Row.InstanceDirectory = handle.InstanceDirectory;
            Row.Port = handle.Port;
            _checks.Reset();
        }

        MarkDirty(null);
    }

    public void InstanceExited(string instanceId, InstanceExit exit, TimeSpan restartIn, int attempt)
    {
        lock (_gate)
        {
            if (Row.State is InstanceState.Terminated or InstanceState.Draining || _life.IsCancellationRequested)
            {
                return;
            }

            Row.State = InstanceState.Pending;
            Row.Restarts = attempt;
            _checks.Reset();
            _cause = $"process {exit}; restarting in {restartIn.TotalSeconds:0.#} s (restart {attempt})";
        }

        MarkDirty(Event(EventSeverity.WARN, $"Instance {instanceId} {exit}; restarting it in {restartIn.TotalSeconds:0.#} s (restart {attempt})."));
    }

    public void InstanceCrashLooping(string instanceId, int exits, TimeSpan window, IReadOnlyList<string> lastLogLines)
    {
        lock (_gate)
        {
            _crashLooping = true;
            _cause = $"crash loop: exited {exits} times within {window.TotalSeconds:0} s";
        }

        var tail = lastLogLines.Count == 0 ? "(no output on stderr)" : string.Join('\n', lastLogLines);
        MarkDirty(Event(EventSeverity.ERROR, $"Instance {instanceId} is in a crash loop: it exited {exits} times within {window.TotalSeconds:0} s. Last lines of its stderr:\n{tail}"));
    }

    public void InstanceStartFailed(string instanceId, Exception error, TimeSpan retryIn, int attempt)
    {
        lock (_gate)
        {
            _cause = $"could not start: {error.Message}; retrying in {retryIn.TotalSeconds:0.#} s";
        }

        MarkDirty(Event(EventSeverity.ERROR, $"Instance {instanceId} could not be started: {error.Message}. Retrying in {retryIn.TotalSeconds:0.#} s (attempt {attempt})."));
    }

    private void StartLoops()
    {
        _writerLoop = Task.Run(() => WriterLoopAsync(_life.Token));
        _probeLoop = Task.Run(() => ProbeLoopAsync(_life.Token));
    }

    private EventDraft Event(EventSeverity severity, string message) =>
        new(severity, message, _application, _environmentName, Row.VersionLabel);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _life.CancelAsync();
        await _probeLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _writerLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var unwritten = TakePendingEvents();
        if (unwritten.Count > 0 && Row.State != InstanceState.Terminated)
        {
            await _writeGate.WaitAsync(CancellationToken.None);
            try
            {
                InstanceRow snapshot;
                lock (_gate)
                {
                    snapshot = Row.Copy();
                }

                await WriteAsync(snapshot, unwritten, CancellationToken.None);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Could not record the last events of instance {Instance}", Id);
            }
            finally
            {
                _writeGate.Release();
            }
        }

        await _supervisor.DisposeAsync();
        _life.Dispose();
        _dirty.Dispose();
        _writeGate.Dispose();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Id} ({State}, port {Row.Port})");
}
