namespace Sprout.Server.Runtime;

/// <summary>Settings of the local-process runtime driver.</summary>
/// <param name="InstancesDirectory">Parent of every instance directory (<c>&lt;InstancesDirectory&gt;/&lt;instanceId&gt;/{app,logs}</c>).</param>
/// <param name="AppUser">Unprivileged user the apps run as when the server runs as root; created as a system user if missing. Ignored when not root.</param>
public sealed record ProcessRuntimeOptions(string InstancesDirectory, string? AppUser = null)
{
    /// <summary>How long a stop waits after SIGTERM before SIGKILL, when the caller gives no grace of its own.</summary>
    public TimeSpan StopGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A log file larger than this is rotated (copy, then truncate in place).</summary>
    public long LogMaxBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Rotated files kept per stream: <c>stdout.log.1</c> … <c>stdout.log.N</c>.</summary>
    public int LogKeepFiles { get; init; } = 3;
}
