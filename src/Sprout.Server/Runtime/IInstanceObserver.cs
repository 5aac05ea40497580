namespace Sprout.Server.Runtime;

/// <summary>
/// Hears what an <see cref="InstanceSupervisor"/> sees. Calls are synchronous on the supervisor's
/// loop, so implementations must be quick and must not block (record, emit an event, return).
/// </summary>
public interface IInstanceObserver
{
    /// <summary>A process for the instance started: the first start and every restart (not an adoption).</summary>
    void InstanceStarted(string instanceId, InstanceHandle handle);

    /// <summary>The process ended without being asked to; it is restarted after <paramref name="restartIn"/>. <paramref name="attempt"/> counts restarts since the instance last ran stable.</summary>
    void InstanceExited(string instanceId, InstanceExit exit, TimeSpan restartIn, int attempt);

    /// <summary>
    /// The instance exited <paramref name="exits"/> times within <paramref name="window"/>. Reported once per
    /// episode (again only after a stable run); restarts go on at the maximum backoff until the supervisor is stopped.
    /// </summary>
    void InstanceCrashLooping(string instanceId, int exits, TimeSpan window, IReadOnlyList<string> lastStderrLines);

    /// <summary>A restart failed before any process existed (slug gone, disk full); it is tried again after <paramref name="retryIn"/>.</summary>
    void InstanceStartFailed(string instanceId, Exception error, TimeSpan retryIn, int attempt);
}
