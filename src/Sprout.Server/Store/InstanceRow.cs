using Sprout.Core.Model;
using Sprout.Server.Runtime;

namespace Sprout.Server.Store;

internal sealed class InstanceRow
{
    public string Id { get; set; } = "";

    public string EnvironmentId { get; set; } = "";

    public string VersionLabel { get; set; } = "";

    public long ConfigGeneration { get; set; }

    /// <summary>The environment's deployment that put the instance's version on it.</summary>
    public long DeploymentId { get; set; } = 1;

    public InstanceState State { get; set; }

    public string HealthStatus { get; set; } = "Pending";

    public string Causes { get; set; } = "";

    public int Port { get; set; }

    public int? Pid { get; set; }

    public long? ProcessStartTime { get; set; }

    public string? InstanceDirectory { get; set; }

    public int Restarts { get; set; }

    public DateTimeOffset Launched { get; set; }

    public DateTimeOffset? Terminated { get; set; }

    /// <summary>The router target group the instance is registered in; null while it gets no traffic (launched by a deployment, or deregistered).</summary>
    public string? TargetGroup { get; set; }

    /// <summary>A copy to write while the original keeps changing.</summary>
    public InstanceRow Copy() => (InstanceRow)MemberwiseClone();

    public InstanceHandle? Handle =>
        Pid is { } pid && ProcessStartTime is { } start && InstanceDirectory is { } dir
            ? new InstanceHandle(Id, pid, start, Port, dir)
            : null;
}
