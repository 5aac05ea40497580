namespace Sprout.Server.Routing.Targets;

/// <summary>
/// When the router stops sending new requests to a target on its own evidence, between the control
/// plane's active checks. A target that could not be reached is ejected at once (the next request
/// should not find the same closed port); slower failures must repeat. Ejection heals by time, and
/// a target that fails again right after is ejected for twice as long.
/// </summary>
public sealed record PassiveHealthOptions
{
    public static PassiveHealthOptions Default { get; } = new();

    /// <summary>Consecutive timeouts or broken bodies before a target is ejected.</summary>
    public int ConsecutiveFailures { get; init; } = 3;

    /// <summary>The first ejection's length; each repeat doubles it up to <see cref="MaxEjection"/>.</summary>
    public TimeSpan BaseEjection { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxEjection { get; init; } = TimeSpan.FromSeconds(60);
}
