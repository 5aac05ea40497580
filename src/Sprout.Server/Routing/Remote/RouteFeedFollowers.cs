namespace Sprout.Server.Routing.Remote;

/// <summary>
/// The remote routers that follow this control plane's routing feed, as seen from their polls.
/// Their in-flight requests are invisible here, so draining must assume they have some while any
/// follows (<see cref="HasActiveFollowers"/>) and wait the full deregistration delay.
/// </summary>
public sealed class RouteFeedFollowers(TimeProvider time)
{
    /// <summary>A follower that asked without a long poll still counts this long after its poll.</summary>
    public static readonly TimeSpan MinimumWindow = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, FollowerState> _byId = new(StringComparer.Ordinal);

    /// <summary>True while a follower has a poll open, or polled within twice its long-poll wait (at least <see cref="MinimumWindow"/>).</summary>
    public bool HasActiveFollowers => ActiveCount > 0;

    public int ActiveCount
    {
        get
        {
            var now = time.GetUtcNow();
            lock (_gate)
            {
                return _byId.Values.Count(follower => follower.OpenPolls > 0 || now - follower.LastPoll <= follower.Window);
            }
        }
    }

    /// <summary>Notes a poll by <paramref name="followerId"/> until the returned scope is disposed (when the answer went out).</summary>
    public IDisposable BeginPoll(string followerId, TimeSpan wait)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(followerId);
        var window = TimeSpan.FromTicks(Math.Max(MinimumWindow.Ticks, 2 * wait.Ticks));
        lock (_gate)
        {
            ForgetLongGone();
            if (!_byId.TryGetValue(followerId, out var follower))
            {
                follower = new FollowerState();
                _byId[followerId] = follower;
            }

            follower.OpenPolls++;
            follower.LastPoll = time.GetUtcNow();
            follower.Window = window;
        }

        return new PollScope(this, followerId);
    }

    /// <summary>Routers come and go under new ids; keep only the ones that could still count.</summary>
    private void ForgetLongGone()
    {
        var now = time.GetUtcNow();
        foreach (var (id, follower) in _byId)
        {
            if (follower.OpenPolls == 0 && now - follower.LastPoll > follower.Window)
            {
                _byId.Remove(id);
            }
        }
    }

    private void EndPoll(string followerId)
    {
        lock (_gate)
        {
            var follower = _byId[followerId];
            follower.OpenPolls--;
            follower.LastPoll = time.GetUtcNow();
        }
    }

    private sealed class FollowerState
    {
        public int OpenPolls { get; set; }

        public DateTimeOffset LastPoll { get; set; }

        public TimeSpan Window { get; set; }
    }

    private sealed class PollScope(RouteFeedFollowers owner, string followerId) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.EndPoll(followerId);
            }
        }
    }
}
