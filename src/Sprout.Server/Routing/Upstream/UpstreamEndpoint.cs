using System.Net;
using System.Net.Sockets;

namespace Sprout.Server.Routing.Upstream;

/// <summary>
/// The keep-alive connections to one instance address (host and port): idle ones on a stack (the most
/// recently used first, so a quiet period lets the others expire), and every open one, for the watchdog.
/// </summary>
internal sealed class UpstreamEndpoint
{
    // An instance may close a keep-alive connection it found idle; a connection idle this long is checked
    // for that before it carries a request, which costs a poll(2) that busy connections are spared.
    private const long StaleCheckAfterMilliseconds = 1000;

    private readonly Lock _gate = new();
    // Idle connections by the epoll loop they belong to (index + 1; 0 for sockets without one), each a stack.
    private readonly List<Stack<UpstreamConnection>> _idle = [new()];
    private readonly List<UpstreamConnection> _open = [];
    private readonly EndPoint _address;
    private readonly Func<EndPoint, IUpstreamSocket> _sockets;

    public UpstreamEndpoint(string host, int port, Func<EndPoint, IUpstreamSocket> sockets)
    {
        _sockets = sockets;
        Host = host;
        Port = port;
        _address = IPAddress.TryParse(host.Trim('[', ']'), out var ip) ? new IPEndPoint(ip, port) : new DnsEndPoint(host, port);
        Authority = host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]:{port}" : $"{host}:{port}";
    }

    public string Host { get; }

    public int Port { get; }

    /// <summary><c>host:port</c>, the Host header when the client sent none.</summary>
    public string Authority { get; }

    /// <summary>When a request last used this endpoint (<see cref="Environment.TickCount64"/>); lets the pool drop endpoints nobody uses.</summary>
    public long LastUsed { get; private set; } = Environment.TickCount64;

    /// <summary>
    /// An idle connection that still looks alive, or null. <paramref name="checkAlways"/> asks for the
    /// liveness check even on a connection used a moment ago (requests that must not be retried).
    /// </summary>
    public UpstreamConnection? TryRentIdle(bool checkAlways)
    {
        var now = Environment.TickCount64;
        LastUsed = now;
        while (true)
        {
            UpstreamConnection? connection;
            lock (_gate)
            {
                if (!TryPopIdle(out connection))
                {
                    return null;
                }
            }

            if ((checkAlways || now - connection.IdleSince >= StaleCheckAfterMilliseconds) && !LooksAlive(connection))
            {
                connection.Dispose();
                continue;
            }

            return connection;
        }
    }

    /// <summary>A new connection, connected; throws what <see cref="IUpstreamSocket.ConnectAsync"/> throws.</summary>
    /// <param name="started">Called with the connection before connecting, so the watchdog can cut a connect that hangs.</param>
    public async ValueTask<UpstreamConnection> ConnectAsync(Action<UpstreamConnection> started)
    {
        var socket = _sockets(_address);
        var connection = new UpstreamConnection(this, socket);
        lock (_gate)
        {
            _open.Add(connection);
        }

        started(connection);
        try
        {
            await socket.ConnectAsync(_address);
        }
        catch
        {
            connection.Dispose();
            throw;
        }

        return connection;
    }

    /// <summary>Puts a connection whose last response was read to its end back for the next request.</summary>
    public void Return(UpstreamConnection connection)
    {
        connection.IdleSince = Environment.TickCount64;
        lock (_gate)
        {
            var slot = connection.Socket.Affinity + 1;
            while (_idle.Count <= slot)
            {
                _idle.Add(new Stack<UpstreamConnection>());
            }

            _idle[slot].Push(connection);
        }
    }

    /// <summary>Forgets a closed connection.</summary>
    public void Forget(UpstreamConnection connection)
    {
        lock (_gate)
        {
            _open.Remove(connection);
        }
    }

    /// <summary>The open connections, for the watchdog's round.</summary>
    public void CopyOpenTo(List<UpstreamConnection> destination)
    {
        lock (_gate)
        {
            destination.AddRange(_open);
        }
    }

    /// <summary>Closes idle connections unused for <paramref name="idleTimeout"/> milliseconds; all of them when it is 0.</summary>
    public void CloseIdle(long now, long idleTimeout)
    {
        List<UpstreamConnection>? expired = null;
        lock (_gate)
        {
            foreach (var idle in _idle)
            {
                ExpireIdle(idle, now, idleTimeout, ref expired);
            }
        }

        if (expired is null)
        {
            return;
        }

        foreach (var connection in expired)
        {
            connection.Dispose();
        }
    }

    public bool IsUnused
    {
        get
        {
            lock (_gate)
            {
                return _open.Count == 0;
            }
        }
    }

    /// <summary>
    /// The most recently idle connection of the caller's epoll loop, so a request's two sockets complete on
    /// one thread; else one of another loop (or of none). Called under the gate.
    /// </summary>
    private bool TryPopIdle([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out UpstreamConnection? connection)
    {
        var local = (Epoll.EpollLoop.Current?.Index ?? -1) + 1;
        if (local < _idle.Count && _idle[local].TryPop(out connection))
        {
            return true;
        }

        foreach (var idle in _idle)
        {
            if (idle.TryPop(out connection))
            {
                return true;
            }
        }

        connection = null;
        return false;
    }

    /// <summary>Moves the expired connections of one stack to <paramref name="expired"/>, keeping the others in their order.</summary>
    private static void ExpireIdle(Stack<UpstreamConnection> idle, long now, long idleTimeout, ref List<UpstreamConnection>? expired)
    {
        if (idle.Count == 0)
        {
            return;
        }

        // The stack's bottom holds the longest idle; rebuild it without the expired ones.
        var kept = new List<UpstreamConnection>(idle.Count);
        var any = false;
        foreach (var connection in idle)
        {
            if (idleTimeout == 0 || now - connection.IdleSince >= idleTimeout)
            {
                (expired ??= []).Add(connection);
                any = true;
            }
            else
            {
                kept.Add(connection);
            }
        }

        if (!any)
        {
            return;
        }

        idle.Clear();
        for (var i = kept.Count - 1; i >= 0; i--)
        {
            idle.Push(kept[i]);
        }
    }

    /// <summary>An idle HTTP/1.1 connection has nothing to say: readable means closed (or junk), either way unusable.</summary>
    private static bool LooksAlive(UpstreamConnection connection)
    {
        try
        {
            return !connection.Socket.IsReadable();
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }
}
