using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.IO.Pipelines;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Sprout.Server.Routing.AccessLog;
using Sprout.Server.Routing.Balancing;
using Sprout.Server.Routing.Epoll;
using Sprout.Server.Routing.Forwarding;
using Sprout.Server.Routing.Upstream;

namespace Sprout.Server.Routing.Direct;

/// <summary>
/// One client connection on the direct path: serves its plain requests itself, and hands the connection
/// to Kestrel (nothing of the current request consumed) at the first request it does not serve. Also the
/// request lifetime the upstream watchdog polls: the client is gone when its connection is.
/// </summary>
internal sealed class DirectConnection : IHttpRequestLifetimeFeature
{
    private const int MaxHostLength = 512;
    private const int MaxStickyValueLength = 128;

    private static readonly byte[] s_stickinessCookie = Encoding.ASCII.GetBytes(RouterRequestHandler.StickinessCookie);

    private readonly DirectHttp1Path _path;
    private readonly ConnectionContext _connection;
    private readonly ConnectionDelegate _next;
    private readonly IDuplexPipe _client;
    private readonly IDirectTransportFeature? _socketTaken;
    private readonly DirectRequestHead _head = new();
    private readonly RequestHeadBuilder _upstreamHead = new(headBufferPool: true);
    private readonly DirectExchange _exchange;
    private readonly IPAddress? _peer;
    private readonly string? _clientAddress;
    private readonly string _localPort;
    // The router's forwarding headers are the same on every request of a connection but for the Host and
    // the id between them, so they are formatted once: lead, client's Host, tail, request id.
    private readonly byte[] _forwardedLead;
    private readonly byte[] _forwardedTail;
    private readonly byte[] _requestId = new byte[RequestIds.MaxLength];
    private byte[]? _scratch;
    private long _waitingSince;
    private long _partialSince;
    private long _flushingSince;
    private bool _served;
    private volatile bool _closeRequested;

    public DirectConnection(DirectHttp1Path path, ConnectionContext connection, ConnectionDelegate next)
    {
        _path = path;
        _connection = connection;
        _next = next;
        _peer = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        _clientAddress = _peer is null ? null : (_peer.IsIPv4MappedToIPv6 ? _peer.MapToIPv4() : _peer).ToString();
        _localPort = ((connection.LocalEndPoint as IPEndPoint)?.Port ?? 0).ToString(CultureInfo.InvariantCulture);
        // The same values HeaderRules.SetForwardedHeaders gives an untrusted peer (trusted peers' own values go through Kestrel's path).
        var forwardedFor = _clientAddress is null ? "" : $"{HeaderRules.XForwardedFor}: {_clientAddress}\r\n";
        _forwardedLead = Encoding.ASCII.GetBytes($"{forwardedFor}{HeaderRules.XForwardedProto}: http\r\n{HeaderRules.XForwardedHost}: ");
        _forwardedTail = Encoding.ASCII.GetBytes($"\r\n{HeaderRules.XForwardedPort}: {_localPort}\r\n{RequestIds.HeaderName}: ");
        // On the epoll transport the path reads and writes the socket itself until a hand-off starts the pipes.
        var direct = connection.Features.Get<IDirectTransportFeature>();
        var socket = direct?.TakeSocket();
        _socketTaken = socket is null ? null : direct;
        _client = socket ?? connection.Transport;
        _exchange = new DirectExchange(path.Upstream, this, new ClientWriter(_client.Output));
    }

    public CancellationToken RequestAborted
    {
        get => _connection.ConnectionClosed;
        set => throw new NotSupportedException();
    }

    public void Abort() => _connection.Abort(new ConnectionAbortedException("The router aborted the response."));

    public async Task RunAsync()
    {
        var input = _client.Input;
        var registration = _connection.Features.Get<IConnectionLifetimeNotificationFeature>()?.ConnectionClosedRequested
            .UnsafeRegister(static state => ((DirectConnection)state!).RequestClose(), this);
        _path.Watchdog.Add(this);
        try
        {
            while (true)
            {
                Volatile.Write(ref _waitingSince, Environment.TickCount64);
                var read = await input.ReadAsync();
                var buffer = read.Buffer;
                if (read.IsCanceled || _closeRequested || (read.IsCompleted && buffer.IsEmpty))
                {
                    return;
                }

                var prepared = Prepare(buffer, read.IsCompleted);
                if (prepared.Next == Next.ReadMore)
                {
                    if (Volatile.Read(ref _partialSince) == 0)
                    {
                        Volatile.Write(ref _partialSince, Environment.TickCount64);
                    }

                    input.AdvanceTo(buffer.Start, buffer.End);
                    continue;
                }

                Volatile.Write(ref _partialSince, 0);
                Volatile.Write(ref _waitingSince, 0);
                if (prepared.Next == Next.HandOff)
                {
                    await HandOffAsync(input, buffer.Start, registration);
                    return;
                }

                // Served here rather than in a helper: one async frame fewer on every request.
                var target = prepared.Target!;
                var started = _path.Observer is null && _path.AccessLog is null ? 0 : Stopwatch.GetTimestamp();
                DirectOutcome outcome;
                target.State.Enter();
                try
                {
                    outcome = await _exchange.RunAsync(target, prepared.Request, _upstreamHead);
                }
                finally
                {
                    target.State.Exit();
                }

                // Rented again by the next head; a quiet keep-alive connection holds no buffer.
                _upstreamHead.Release();
                Served(prepared, outcome, started);
                if (outcome.Error == ForwarderError.ConnectionRefused)
                {
                    // Nothing reached the instance and nothing was written: Kestrel's path retries on another target.
                    await HandOffAsync(input, buffer.Start, registration);
                    return;
                }

                input.AdvanceTo(buffer.GetPosition(prepared.HeadLength));
                _served = true;
                if (!outcome.KeepAlive || _closeRequested)
                {
                    return;
                }
            }
        }
        catch (Exception exception) when (exception is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException)
        {
            // The client went away between requests; nothing was in flight.
        }
        finally
        {
            Release(registration);
        }
    }

    /// <summary>A response write is waiting for the client to take bytes (set by the exchange around each flush).</summary>
    public void FlushStarted() => Volatile.Write(ref _flushingSince, Environment.TickCount64);

    public void FlushEnded() => Volatile.Write(ref _flushingSince, 0);

    /// <summary>Called by the watchdog every round.</summary>
    public void Check(long now, long keepAliveMilliseconds, long headersMilliseconds, long stalledFlushMilliseconds)
    {
        var partial = Volatile.Read(ref _partialSince);
        var waiting = Volatile.Read(ref _waitingSince);
        var flushing = Volatile.Read(ref _flushingSince);
        if (partial != 0 ? now - partial > headersMilliseconds : waiting != 0 && now - waiting > (_served ? keepAliveMilliseconds : headersMilliseconds))
        {
            // Kestrel's RequestHeadersTimeout and KeepAliveTimeout, for the connections it does not see.
            Abort();
        }
        else if (flushing != 0 && now - flushing > stalledFlushMilliseconds)
        {
            // A client that stopped reading would hold the exchange (and its instance connection) forever.
            Abort();
        }
    }

    private enum Next
    {
        ReadMore,
        HandOff,
        Serve,
    }

    private readonly record struct Prepared(Next Next, int HeadLength = 0, ActiveTarget? Target = null, DirectRequest Request = default, AccessLogRequest? Log = null);

    /// <summary>The request's own fields, kept only while an access log is written.</summary>
    private sealed record AccessLogRequest(string Method, string Host, string Target);

    private void RequestClose()
    {
        _closeRequested = true;
        _client.Input.CancelPendingRead();
    }

    private async Task HandOffAsync(PipeReader input, SequencePosition start, CancellationTokenRegistration? registration)
    {
        // From here Kestrel owns the connection, its shutdown and its timeouts.
        Release(registration);
        input.AdvanceTo(start);
        _socketTaken?.StartPipes();
        await _next(_connection);
    }

    /// <summary>Lets go of what the direct path held for this connection; safe to call twice.</summary>
    private void Release(CancellationTokenRegistration? registration)
    {
        registration?.Dispose();
        _path.Watchdog.Remove(this);
        _upstreamHead.Dispose();
        if (_scratch is not null)
        {
            ArrayPool<byte>.Shared.Return(_scratch);
            _scratch = null;
        }
    }

    private Prepared Prepare(ReadOnlySequence<byte> buffer, bool inputEnded)
    {
        var bytes = Contiguous(buffer);
        var status = DirectRequestParser.TryParse(bytes, _head);
        if (status == RequestParseStatus.Incomplete)
        {
            return new Prepared(inputEnded ? Next.HandOff : Next.ReadMore);
        }

        if (status == RequestParseStatus.Declined)
        {
            return new Prepared(Next.HandOff);
        }

        var head = _head;
        var hostBytes = bytes[head.Host];
        if (hostBytes.Length > MaxHostLength)
        {
            return new Prepared(Next.HandOff);
        }

        Span<char> host = stackalloc char[hostBytes.Length];
        Encoding.ASCII.GetChars(hostBytes, host);
        // Unknown hosts, no instance, trusted forwarding headers: Kestrel's path answers those as it always did.
        if (!_path.Table.Current.TryGetActiveRoute(RouterRequestHandler.Hostname(host), out var route)
            || (head.HasForwardedHeaders && ProxyNetworks.Contains(_path.Options.TrustedProxies, _peer)))
        {
            return new Prepared(Next.HandOff);
        }

        Span<char> sticky = stackalloc char[MaxStickyValueLength];
        var stickyLength = route.Policy.StickinessDuration is null ? 0 : StickyValue(bytes, sticky);
        var target = TargetSelector.Pick(route, sticky[..stickyLength], _path.Time.GetUtcNow().UtcTicks, Random.Shared);
        if (target is null)
        {
            return new Prepared(Next.HandOff);
        }

        var setCookie = route.Policy.StickinessDuration is { } duration && !sticky[..stickyLength].SequenceEqual(target.Target.InstanceId)
            ? RouterRequestHandler.StickinessCookieValue(target.Target.InstanceId, duration)
            : null;
        var requestId = RequestIdOf(bytes);
        WriteUpstreamHead(bytes, requestId.Span);
        var log = _path.AccessLog is null ? null
            : new AccessLogRequest(Encoding.ASCII.GetString(bytes[head.Method]), Encoding.ASCII.GetString(hostBytes), Encoding.ASCII.GetString(bytes[head.Target]));
        return new Prepared(Next.Serve, head.Length, target, new DirectRequest(requestId, head.IsHead, head.ConnectionClose, setCookie), log);
    }

    /// <summary>Passive health, the observer and the access log hear how the request went.</summary>
    private void Served(Prepared prepared, DirectOutcome outcome, long started)
    {
        var target = prepared.Target!;
        var state = target.State;
        if (state.Report(outcome.Error))
        {
            RouterLog.TargetEjected(_path.Logger, target.Target.InstanceId, target.EnvironmentName, outcome.Error, state.EjectedUntil);
        }

        if (started != 0 && outcome.Error != ForwarderError.ConnectionRefused)
        {
            Completed(prepared, outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    private void Completed(Prepared prepared, DirectOutcome outcome, TimeSpan elapsed)
    {
        var target = prepared.Target!;
        _path.Observer?.RequestCompleted(new RoutedRequest(
            target.EnvironmentName, target.GroupName, target.Target.InstanceId, outcome.StatusCode, elapsed, outcome.Error, 0, outcome.ResponseBytes));
        if (_path.AccessLog is { } accessLog && prepared.Log is { } request)
        {
            accessLog.Write(new AccessLogEntry(
                _path.Time.GetUtcNow(),
                Encoding.ASCII.GetString(prepared.Request.RequestId.Span),
                _clientAddress ?? "",
                request.Method,
                request.Host,
                request.Target,
                "HTTP/1.1",
                outcome.StatusCode,
                elapsed.TotalMilliseconds,
                target.EnvironmentName,
                target.Target.InstanceId,
                outcome.Error.ToString()));
        }
    }

    /// <summary>The instance's request head: the client's line and headers as sent, minus hop-by-hop ones, plus the router's.</summary>
    private void WriteUpstreamHead(ReadOnlySpan<byte> bytes, ReadOnlySpan<byte> requestId)
    {
        var head = _head;
        var builder = _upstreamHead;
        builder.Clear();
        builder.Write(bytes[head.Method]);
        builder.Write(" "u8);
        builder.Write(bytes[head.Target]);
        builder.Write(" HTTP/1.1\r\nHost: "u8);
        builder.Write(bytes[head.Host]);
        builder.Write("\r\n"u8);
        foreach (var line in head.Headers)
        {
            if (line.Disposition is HeaderDisposition.Forward or HeaderDisposition.Cookie)
            {
                builder.Write(bytes[line.Name.Start..line.Value.End]);
                builder.Write("\r\n"u8);
            }
        }

        builder.Write(_forwardedLead);
        builder.Write(bytes[head.Host]);
        builder.Write(_forwardedTail);
        builder.Write(requestId);
        builder.Write("\r\n\r\n"u8);
    }

    /// <summary>The client's acceptable request id, or a new one, in the connection's own buffer, which the exchange holds as memory until the next request.</summary>
    private ReadOnlyMemory<byte> RequestIdOf(ReadOnlySpan<byte> bytes)
    {
        if (_head.RequestId.Equals(default(Range)))
        {
            RequestIds.NewId(_requestId);
            return _requestId.AsMemory(0, RequestIds.NewIdLength);
        }

        var clientId = bytes[_head.RequestId];
        clientId.CopyTo(_requestId);
        return _requestId.AsMemory(0, clientId.Length);
    }

    /// <summary>The stickiness cookie's value from the request's <c>Cookie</c> headers, copied into <paramref name="destination"/>; its length, 0 when absent.</summary>
    private int StickyValue(ReadOnlySpan<byte> bytes, Span<char> destination)
    {
        foreach (var line in _head.Headers)
        {
            if (line.Disposition != HeaderDisposition.Cookie)
            {
                continue;
            }

            var cookies = bytes[line.Value];
            foreach (var range in cookies.Split((byte)';'))
            {
                var pair = cookies[range].Trim((byte)' ');
                var equals = pair.IndexOf((byte)'=');
                if (equals > 0 && pair[..equals].SequenceEqual(s_stickinessCookie))
                {
                    var value = pair[(equals + 1)..].Trim((byte)'"');
                    if (value.Length > destination.Length)
                    {
                        return 0;
                    }

                    return Encoding.ASCII.GetChars(value, destination);
                }
            }
        }

        return 0;
    }

    private ReadOnlySpan<byte> Contiguous(ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            return buffer.FirstSpan;
        }

        // A head spread over the pipe's blocks; only its first MaxHeadLength bytes can matter.
        var length = (int)Math.Min(buffer.Length, DirectRequestParser.MaxHeadLength);
        _scratch ??= ArrayPool<byte>.Shared.Rent(DirectRequestParser.MaxHeadLength);
        buffer.Slice(0, length).CopyTo(_scratch);
        return _scratch.AsSpan(0, length);
    }
}
