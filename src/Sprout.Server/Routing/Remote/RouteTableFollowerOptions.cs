namespace Sprout.Server.Routing.Remote;

/// <summary>Where a remote router's routing table comes from and how patiently it follows it.</summary>
/// <param name="ControlPlane">The control plane's API base URL, e.g. <c>http://10.0.0.5:4510</c>.</param>
/// <param name="Token">The control plane's API token.</param>
public sealed record RouteTableFollowerOptions(Uri ControlPlane, string Token)
{
    /// <summary>How long one long poll may wait for a change (the feed caps it at 60 s).</summary>
    public TimeSpan LongPollWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The first retry delay after a failed poll; it doubles up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan MinRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Names this router in the control plane's list of followers.</summary>
    public string FollowerId { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(ControlPlane);
        if (!ControlPlane.IsAbsoluteUri || ControlPlane.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"The control plane URL '{ControlPlane}' must be an absolute http:// or https:// URL.", nameof(ControlPlane));
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(Token);
        ArgumentException.ThrowIfNullOrWhiteSpace(FollowerId);
        ArgumentOutOfRangeException.ThrowIfLessThan(LongPollWait, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinRetryDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetryDelay, MinRetryDelay);
    }
}
