using Microsoft.AspNetCore.Http.Features;

namespace Sprout.Server.Routing.Upstream;

/// <summary>Why the watchdog (or shutdown) cut a connection.</summary>
internal enum UpstreamAbort
{
    None,

    /// <summary>No byte moved either way for the request timeout.</summary>
    TimedOut,

    /// <summary>Connecting took longer than the connect timeout.</summary>
    ConnectTimedOut,

    /// <summary>The client's request was aborted; the instance's work is no longer wanted.</summary>
    ClientAborted,

    /// <summary>The router is shutting down.</summary>
    Shutdown,
}

/// <summary>
/// One HTTP/1.1 connection to an instance: a socket that carries one exchange at a time and goes back
/// to its <see cref="UpstreamEndpoint"/> when a response was read to its end. Instead of a timer per
/// request, the exchange marks progress (a tick count) and the <see cref="UpstreamWatchdog"/> cuts
/// connections that stopped moving, or whose client left, by closing the socket, which fails the
/// pending read or write.
/// </summary>
internal sealed class UpstreamConnection : IDisposable
{
    private readonly Lock _gate = new();
    private long _lastProgress;
    private long _timeoutMilliseconds;
    private IHttpRequestLifetimeFeature? _client;
    private bool _busy;
    private bool _connecting;
    private bool _disposed;

    public UpstreamConnection(UpstreamEndpoint endpoint, IUpstreamSocket socket)
    {
        Endpoint = endpoint;
        Socket = socket;
    }

    public UpstreamEndpoint Endpoint { get; }

    public IUpstreamSocket Socket { get; }

    /// <summary>The response head being read; reused by every exchange on this connection.</summary>
    public Http1ResponseHead Head { get; } = new();

    /// <summary>Strings of the previous response's headers, reused when the next one repeats them.</summary>
    public HeaderStringCache Strings { get; } = new();

    public ChunkedDecoder Chunked { get; } = new();

    /// <summary>Requests this connection carried before the current one; a reused connection may have gone stale while idle.</summary>
    public int Exchanges { get; private set; }

    /// <summary>When it went back to the pool (<see cref="Environment.TickCount64"/>).</summary>
    public long IdleSince { get; set; }

    /// <summary>Set when the watchdog cut the connection, before it closed the socket.</summary>
    public UpstreamAbort Aborted { get; private set; }

    /// <summary>Starts an exchange: the watchdog now expects progress at least every <paramref name="timeout"/>.</summary>
    /// <param name="client">Polled by the watchdog for the client going away (no registration per request).</param>
    /// <param name="timeout">The longest silence allowed.</param>
    /// <param name="connecting">The socket is still connecting: running out of time is a connect timeout.</param>
    public void Begin(IHttpRequestLifetimeFeature? client, TimeSpan timeout, bool connecting = false)
    {
        lock (_gate)
        {
            _client = client;
            _timeoutMilliseconds = (long)timeout.TotalMilliseconds;
            _connecting = connecting;
            _busy = true;
        }

        Progress();
    }

    /// <summary>Bytes moved: the silence clock starts again. A volatile write, cheap enough for every read and write.</summary>
    public void Progress() => Volatile.Write(ref _lastProgress, Environment.TickCount64);

    /// <summary>Ends the exchange; the connection is idle (or about to be disposed).</summary>
    public void End()
    {
        lock (_gate)
        {
            _busy = false;
            _client = null;
            Exchanges++;
        }
    }

    /// <summary>Called by the watchdog: cuts the connection if its client left or it has been silent too long.</summary>
    public void Check(long now)
    {
        lock (_gate)
        {
            if (!_busy || _disposed)
            {
                return;
            }

            var reason = _client is { RequestAborted.IsCancellationRequested: true } ? UpstreamAbort.ClientAborted
                : now - Volatile.Read(ref _lastProgress) <= _timeoutMilliseconds ? UpstreamAbort.None
                : _connecting ? UpstreamAbort.ConnectTimedOut
                : UpstreamAbort.TimedOut;
            if (reason == UpstreamAbort.None)
            {
                return;
            }

            Aborted = reason;
            _disposed = true;
        }

        Close();
    }

    /// <summary>Cuts the connection from outside its exchange (shutdown).</summary>
    public void Abort(UpstreamAbort reason)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            Aborted = reason;
            _disposed = true;
        }

        Close();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
        }

        Close();
    }

    private void Close()
    {
        Socket.Dispose();
        Endpoint.Forget(this);
    }
}
