namespace Sprout.Server.Routing.Direct;

/// <summary>
/// Kestrel's request-headers and keep-alive timeouts for the connections the direct path serves (Kestrel
/// applies them only inside its own HTTP layer), and a limit on a client that stops reading its response:
/// once a second, every such connection is asked whether it has waited too long, and cuts itself if so.
/// One timer for all, nothing per request.
/// </summary>
internal sealed class DirectConnectionWatchdog : IDisposable
{
    private static readonly TimeSpan s_round = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly HashSet<DirectConnection> _connections = new(ReferenceEqualityComparer.Instance);
    private readonly List<DirectConnection> _round = [];
    private readonly long _keepAliveMilliseconds;
    private readonly long _headersMilliseconds;
    private readonly long _stalledFlushMilliseconds;
    private readonly Timer _timer;

    /// <param name="keepAliveTimeout">How long a connection may wait for its next request after serving one.</param>
    /// <param name="requestHeadersTimeout">How long a request head may take to arrive once started (and the first one at all).</param>
    /// <param name="stalledFlushTimeout">How long a client may leave response bytes untaken (the router's request timeout).</param>
    public DirectConnectionWatchdog(TimeSpan keepAliveTimeout, TimeSpan requestHeadersTimeout, TimeSpan stalledFlushTimeout)
    {
        _stalledFlushMilliseconds = (long)stalledFlushTimeout.TotalMilliseconds;
        _keepAliveMilliseconds = (long)keepAliveTimeout.TotalMilliseconds;
        _headersMilliseconds = (long)requestHeadersTimeout.TotalMilliseconds;
        _timer = new Timer(static state => ((DirectConnectionWatchdog)state!).Round(), this, s_round, s_round);
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _connections.Count;
            }
        }
    }

    public void Add(DirectConnection connection)
    {
        lock (_gate)
        {
            _connections.Add(connection);
        }
    }

    public void Remove(DirectConnection connection)
    {
        lock (_gate)
        {
            _connections.Remove(connection);
        }
    }

    /// <summary>One round; public for tests that cannot wait for the timer.</summary>
    public void Round()
    {
        lock (_gate)
        {
            if (_round.Count > 0)
            {
                return; // the previous round is still running
            }

            _round.AddRange(_connections);
        }

        try
        {
            var now = Environment.TickCount64;
            foreach (var connection in _round)
            {
                connection.Check(now, _keepAliveMilliseconds, _headersMilliseconds, _stalledFlushMilliseconds);
            }
        }
        finally
        {
            lock (_gate)
            {
                _round.Clear();
            }
        }
    }

    public void Dispose() => _timer.Dispose();
}
