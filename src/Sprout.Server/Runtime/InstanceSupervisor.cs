using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Sprout.Server.Runtime;

/// <summary>
/// Keeps one instance running: waits for its process to exit, tells the observer, restarts it
/// with exponential backoff and reports crash loops. Disposing stops supervising only; the
/// process keeps running (a server shutdown must not take apps down). <see cref="StopAsync"/>
/// stops both. One supervisor supervises one run: after stop or dispose, make a new one.
/// </summary>
public sealed class InstanceSupervisor : IAsyncDisposable
{
    private readonly IRuntimeDriver _driver;
    private readonly InstanceLaunchSpec _spec;
    private readonly IInstanceObserver _observer;
    private readonly SupervisorOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _supervising = new();
    private Task _loop = Task.CompletedTask;
    private InstanceHandle? _current;
    private bool _began;
    private int _restarts;

    public InstanceSupervisor(
        IRuntimeDriver driver,
        InstanceLaunchSpec spec,
        IInstanceObserver observer,
        SupervisorOptions options,
        TimeProvider timeProvider,
        ILogger<InstanceSupervisor>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(driver);
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(observer);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.CrashLoopThreshold);
        _driver = driver;
        _spec = spec;
        _observer = observer;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger ?? NullLogger<InstanceSupervisor>.Instance;
    }

    public string InstanceId => _spec.InstanceId;

    /// <summary>The process being supervised (the latest one after restarts); null before start.</summary>
    public InstanceHandle? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    /// <summary>How many times the process was restarted after exiting.</summary>
    public int Restarts => Volatile.Read(ref _restarts);

    /// <summary>Starts the process and begins supervising it.</summary>
    public async Task<InstanceHandle> StartAsync(CancellationToken cancellationToken)
    {
        Begin();
        InstanceHandle handle;
        try
        {
            handle = await _driver.StartAsync(_spec, cancellationToken);
        }
        catch
        {
            lock (_gate)
            {
                _began = false;
            }

            throw;
        }

        SetCurrent(handle);
        Notify(o => o.InstanceStarted(InstanceId, handle));
        Supervise(handle);
        return handle;
    }

    /// <summary>Supervises a process that is already running, e.g. found again after a server restart.</summary>
    public void Adopt(InstanceHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (handle.InstanceId != InstanceId)
        {
            throw new ArgumentException($"Handle of instance {handle.InstanceId} given to the supervisor of {InstanceId}.", nameof(handle));
        }

        Begin();
        SetCurrent(handle);
        Supervise(handle);
    }

    /// <summary>Stops supervising (no more restarts), then stops the process: SIGTERM, <paramref name="grace"/>, SIGKILL.</summary>
    public async Task StopAsync(TimeSpan grace, CancellationToken cancellationToken)
    {
        await StopSupervisingAsync();
        if (Current is { } handle)
        {
            await _driver.StopAsync(handle, grace, cancellationToken);
        }
    }

    /// <summary>Stops supervising; the process keeps running.</summary>
    public async ValueTask DisposeAsync()
    {
        await StopSupervisingAsync();
        _supervising.Dispose();
    }

    private void Begin()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_supervising.IsCancellationRequested, this);
            if (_began)
            {
                throw new InvalidOperationException($"The supervisor of {InstanceId} was already started.");
            }

            _began = true;
        }
    }

    private void Supervise(InstanceHandle handle)
    {
        lock (_gate)
        {
            _loop = SuperviseAsync(handle, _supervising.Token);
        }
    }

    private async Task StopSupervisingAsync()
    {
        Task loop;
        lock (_gate)
        {
            if (!_supervising.IsCancellationRequested)
            {
                _supervising.Cancel();
            }

            loop = _loop;
        }

        try
        {
            await loop;
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void SetCurrent(InstanceHandle handle)
    {
        lock (_gate)
        {
            _current = handle;
        }
    }

    private static readonly TimeSpan OrphanGrace = TimeSpan.FromSeconds(2);

    private async Task SuperviseAsync(InstanceHandle handle, CancellationToken stopping)
    {
        await Task.Yield();
        var backoff = new RestartBackoff(_options);
        var recentExits = new Queue<DateTimeOffset>();
        var crashLoopReported = false;
        var startedAt = _timeProvider.GetUtcNow();
        try
        {
            while (true)
            {
                var exit = await _driver.WaitForExitAsync(handle, stopping);
                stopping.ThrowIfCancellationRequested();

                // The leader is gone, but its children may live on in the group (npm start → node)
                // and hold the port; stop what is left before starting again.
                await _driver.StopAsync(handle, OrphanGrace, stopping);

                var now = _timeProvider.GetUtcNow();
                if (now - startedAt >= _options.StableAfter)
                {
                    backoff.Reset();
                    crashLoopReported = false;
                }

                recentExits.Enqueue(now);
                while (recentExits.Count > 0 && recentExits.Peek() <= now - _options.CrashLoopWindow)
                {
                    recentExits.Dequeue();
                }

                var (delay, attempt) = backoff.Next();
                _logger.LogWarning("Instance {InstanceId} (pid {Pid}) {Exit}; restart {Attempt} in {Delay}", InstanceId, handle.Pid, exit, attempt, delay);
                Notify(o => o.InstanceExited(InstanceId, exit, delay, attempt));

                if (recentExits.Count >= _options.CrashLoopThreshold && !crashLoopReported)
                {
                    crashLoopReported = true;
                    var lines = await ReadStderrTailAsync(handle, stopping);
                    var exits = recentExits.Count;
                    _logger.LogError("Instance {InstanceId} is crash looping: {Exits} exits within {Window}", InstanceId, exits, _options.CrashLoopWindow);
                    Notify(o => o.InstanceCrashLooping(InstanceId, exits, _options.CrashLoopWindow, lines));
                }

                handle = await RestartAsync(delay, backoff, stopping);
                startedAt = _timeProvider.GetUtcNow();
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            // Nothing here is expected to throw (the driver failing to wait on a process); say so
            // loudly. The loop ends; StopAsync still stops the process.
            _logger.LogCritical(e, "Supervision of instance {InstanceId} failed; it is no longer restarted", InstanceId);
        }
    }

    private async Task<InstanceHandle> RestartAsync(TimeSpan delay, RestartBackoff backoff, CancellationToken stopping)
    {
        while (true)
        {
            await Task.Delay(delay, _timeProvider, stopping);
            InstanceHandle handle;
            try
            {
                handle = await _driver.StartAsync(_spec, stopping);
            }
            catch (Exception e) when (!stopping.IsCancellationRequested)
            {
                var (retryIn, attempt) = backoff.Next();
                delay = retryIn;
                _logger.LogError(e, "Restarting instance {InstanceId} failed; attempt {Attempt} in {Delay}", InstanceId, attempt, retryIn);
                Notify(o => o.InstanceStartFailed(InstanceId, e, retryIn, attempt));
                continue;
            }

            // Recorded before anything can observe cancellation, so StopAsync stops this process too.
            SetCurrent(handle);
            Interlocked.Increment(ref _restarts);
            Notify(o => o.InstanceStarted(InstanceId, handle));
            return handle;
        }
    }

    private async Task<IReadOnlyList<string>> ReadStderrTailAsync(InstanceHandle handle, CancellationToken cancellationToken)
    {
        try
        {
            return await _driver.ReadLogAsync(handle, InstanceDirectoryLayout.StderrStream, _options.CrashLoopLogLines, cancellationToken);
        }
        catch (IOException e)
        {
            return [$"(stderr unreadable: {e.Message})"];
        }
    }

    private void Notify(Action<IInstanceObserver> call)
    {
        try
        {
            call(_observer);
        }
        catch (Exception e)
        {
            // An observer bug must not stop the instance from being restarted.
            _logger.LogError(e, "Instance observer failed for {InstanceId}", InstanceId);
        }
    }
}
