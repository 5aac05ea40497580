namespace Sprout.Server.Runtime;

/// <summary>
/// Starts and stops instances. The process driver is the default; Docker and Swarm drivers
/// come later behind the same seam. An instance never depends on the server staying alive:
/// it runs in its own session with its output going to files, and its handle holds what
/// identifies it again after a server restart.
/// </summary>
public interface IRuntimeDriver
{
    /// <summary>Prepares the instance directory from the slug and starts the process. Returns once the process exists (not when it is healthy).</summary>
    Task<InstanceHandle> StartAsync(InstanceLaunchSpec spec, CancellationToken cancellationToken);

    /// <summary>SIGTERM to the process group, waits up to <paramref name="grace"/>, then SIGKILL. Idempotent.</summary>
    Task StopAsync(InstanceHandle handle, TimeSpan grace, CancellationToken cancellationToken);

    /// <summary>The handle the driver noted when it last started this instance, if any: how a server killed before recording a start finds the process again.</summary>
    InstanceHandle? FindRecordedHandle(string instanceId);

    /// <summary>True while the process identified by pid and start time is alive (a reused pid is not mistaken for it).</summary>
    bool IsAlive(InstanceHandle handle);

    /// <summary>Completes when the process has exited, with what is known about how.</summary>
    Task<InstanceExit> WaitForExitAsync(InstanceHandle handle, CancellationToken cancellationToken);

    /// <summary>Removes the instance's directory (working copy and logs). Call after stop, when the instance is gone for good.</summary>
    Task CleanupAsync(InstanceHandle handle, CancellationToken cancellationToken);

    /// <summary>The last <paramref name="maxLines"/> lines of one stream ("stdout" or "stderr"); all of it when null.</summary>
    Task<IReadOnlyList<string>> ReadLogAsync(InstanceHandle handle, string stream, int? maxLines, CancellationToken cancellationToken);
}

/// <param name="InstanceId">e.g. <c>i-0a1b2c3d4e5f6a7b8</c>.</param>
/// <param name="SlugDirectory">Build output to run from; read-only to the instance.</param>
/// <param name="StartCommand">Shell command line (Procfile <c>web:</c> or the platform default).</param>
/// <param name="Port">The port the app must listen on; also given to it as <c>PORT</c>.</param>
/// <param name="Environment">Environment properties; the driver adds <c>PORT</c>, <c>HOME</c>, <c>PATH</c>.</param>
public sealed record InstanceLaunchSpec(
    string InstanceId,
    string EnvironmentName,
    string SlugDirectory,
    string StartCommand,
    int Port,
    IReadOnlyDictionary<string, string> Environment);

/// <summary>What the store keeps to find an instance's process again, also after a server restart.</summary>
public sealed record InstanceHandle(string InstanceId, int Pid, long ProcessStartTime, int Port, string InstanceDirectory);

/// <param name="ExitCode">Null when unknown (an adopted process, not our child).</param>
/// <param name="Signal">The signal that killed it, when known.</param>
public sealed record InstanceExit(int? ExitCode, int? Signal)
{
    public override string ToString() =>
        Signal is { } s ? $"killed by signal {s}" : ExitCode is { } c ? $"exited with code {c}" : "exited";
}
