namespace Sprout.Server.Routing.Targets;

/// <summary>
/// What the router knows live about one target, kept across route-table publishes: requests in
/// flight (least-outstanding balancing and draining read it), passive health (ejected until when),
/// and the signal that closes its long-lived connections at the end of a drain. Updated lock-free on
/// the request path; concurrent updates may interleave, which only blurs a count by one.
/// </summary>
public sealed class TargetState
{
    private readonly PassiveHealthOptions _options;
    private readonly TimeProvider _time;
    private readonly CancellationTokenSource _closing = new();
    private int _inFlight;
    private int _consecutiveFailures;
    private int _ejections;
    private long _ejectedUntilTicks;

    internal TargetState(string instanceId, PassiveHealthOptions options, TimeProvider time)
    {
        InstanceId = instanceId;
        _options = options;
        _time = time;
    }

    public string InstanceId { get; }

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Fires when the target's drain has ended: upgraded connections (WebSockets) close then.</summary>
    public CancellationToken Closing => _closing.Token;

    /// <summary>When the current ejection ends; <see cref="DateTimeOffset.MinValue"/> when not ejected.</summary>
    public DateTimeOffset EjectedUntil => new(Volatile.Read(ref _ejectedUntilTicks), TimeSpan.Zero);

    public bool IsEjected => IsEjectedAt(_time.GetUtcNow().UtcTicks);

    /// <summary>The time the request path read once, so one pick costs one clock read.</summary>
    internal TimeProvider Time => _time;

    internal bool IsEjectedAt(long nowTicks) => nowTicks < Volatile.Read(ref _ejectedUntilTicks);

    internal void Enter() => Interlocked.Increment(ref _inFlight);

    internal void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Counts one forwarded request's outcome; true when it ejected the target.</summary>
    internal bool Report(ForwarderError error)
    {
        switch (error)
        {
            case ForwarderError.None:
                if (Volatile.Read(ref _consecutiveFailures) != 0 || Volatile.Read(ref _ejections) != 0)
                {
                    Volatile.Write(ref _consecutiveFailures, 0);
                    Volatile.Write(ref _ejections, 0);
                }

                return false;
            case ForwarderError.Request or ForwarderError.ConnectionRefused:
                return Eject();
            case ForwarderError.RequestTimedOut or ForwarderError.RequestBodyDestination
                or ForwarderError.ResponseBodyDestination or ForwarderError.ResponseBodyTimedOut or ForwarderError.UpgradeDestination:
                return Interlocked.Increment(ref _consecutiveFailures) >= _options.ConsecutiveFailures && Eject();
            default:
                // The client's doing (aborts, bad bodies) says nothing about the target.
                return false;
        }
    }

    /// <summary>Ends the target's long-lived connections; called once its drain is over.</summary>
    public void CloseConnections()
    {
        try
        {
            _closing.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already forgotten.
        }
    }

    private bool Eject()
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (now < Volatile.Read(ref _ejectedUntilTicks))
        {
            return false;
        }

        var ejections = Math.Min(Interlocked.Increment(ref _ejections), 16);
        var length = TimeSpan.FromTicks(Math.Min(_options.BaseEjection.Ticks << (ejections - 1), _options.MaxEjection.Ticks));
        Volatile.Write(ref _ejectedUntilTicks, now + length.Ticks);
        Volatile.Write(ref _consecutiveFailures, 0);
        return true;
    }
}
