using System.Collections.Concurrent;

namespace Sprout.Server.Routing.Upstream;

/// <summary>
/// Every instance address's keep-alive connections, and the one watchdog that replaces a timer per
/// request: a few times per request timeout it walks the open connections, cuts those whose exchange
/// made no progress for the timeout (or whose client left), and closes connections idle too long.
/// </summary>
internal sealed class UpstreamPool : IDisposable
{
    /// <summary>Idle connections older than this are closed (SocketsHttpHandler's PooledConnectionIdleTimeout here).</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan s_maxRound = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_minRound = TimeSpan.FromMilliseconds(10);

    private readonly ConcurrentDictionary<(string Host, int Port), UpstreamEndpoint> _endpoints = new();
    private readonly Func<System.Net.EndPoint, IUpstreamSocket> _sockets;
    private readonly Timer _watchdog;
    private readonly List<UpstreamConnection> _round = [];
    private readonly Lock _roundGate = new();
    private bool _disposed;

    /// <param name="shortestTimeout">The shortest silence any exchange is allowed; rounds run a few times within it.</param>
    /// <param name="sockets">Creates an instance connection's socket; null for .NET's.</param>
    public UpstreamPool(TimeSpan shortestTimeout, Func<System.Net.EndPoint, IUpstreamSocket>? sockets = null)
    {
        _sockets = sockets ?? (static address => new ManagedUpstreamSocket(address));
        var round = TimeSpan.FromTicks(Math.Clamp(shortestTimeout.Ticks / 4, s_minRound.Ticks, s_maxRound.Ticks));
        _watchdog = new Timer(static state => ((UpstreamPool)state!).Round(), this, round, round);
    }

    public UpstreamEndpoint EndpointOf(RouteTarget target)
        => _endpoints.GetOrAdd((target.Host, target.Port), static (key, sockets) => new UpstreamEndpoint(key.Host, key.Port, sockets), _sockets);

    /// <summary>One watchdog round; public for tests that cannot wait for the timer.</summary>
    public void Round()
    {
        // Rounds never overlap: a slow one (many connections) makes the next one wait, not run twice.
        if (!_roundGate.TryEnter())
        {
            return;
        }

        try
        {
            var now = Environment.TickCount64;
            foreach (var (key, endpoint) in _endpoints)
            {
                endpoint.CloseIdle(now, (long)IdleTimeout.TotalMilliseconds);
                endpoint.CopyOpenTo(_round);
                if (_round.Count == 0 && now - endpoint.LastUsed > IdleTimeout.TotalMilliseconds)
                {
                    // An instance gone for good (its port may come back with another one, which gets a fresh entry).
                    _endpoints.TryRemove(new KeyValuePair<(string, int), UpstreamEndpoint>(key, endpoint));
                }
            }

            foreach (var connection in _round)
            {
                connection.Check(now);
            }
        }
        finally
        {
            _round.Clear();
            _roundGate.Exit();
        }
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _watchdog.Dispose();
        var open = new List<UpstreamConnection>();
        foreach (var endpoint in _endpoints.Values)
        {
            endpoint.CloseIdle(Environment.TickCount64, 0);
            endpoint.CopyOpenTo(open);
        }

        foreach (var connection in open)
        {
            connection.Abort(UpstreamAbort.Shutdown);
        }
    }
}
