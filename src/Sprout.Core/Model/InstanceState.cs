namespace Sprout.Core.Model;

/// <summary>Where an instance is in its life; only <see cref="InService"/> instances receive traffic.</summary>
public enum InstanceState
{
    /// <summary>Started, not yet past its health check.</summary>
    Pending,
    /// <summary>Healthy and registered in the router.</summary>
    InService,
    /// <summary>Out of the router, finishing in-flight requests before it stops.</summary>
    Draining,
    /// <summary>Failed its health checks while in service; out of the router.</summary>
    Unhealthy,
    /// <summary>Stopped for good (terminated, scaled in or replaced).</summary>
    Terminated,
}
