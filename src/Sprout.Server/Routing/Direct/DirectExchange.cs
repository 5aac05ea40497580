using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Sprout.Server.Routing.Async;
using Sprout.Server.Routing.Balancing;
using Sprout.Server.Routing.Upstream;

namespace Sprout.Server.Routing.Direct;

/// <summary>How one request on the direct path ended.</summary>
/// <param name="Error">What went wrong; <see cref="ForwarderError.ConnectionRefused"/> means nothing was written and Kestrel's path takes over.</param>
/// <param name="StatusCode">What the client got (499 when it left first).</param>
/// <param name="ResponseBytes">Response body bytes sent to the client.</param>
/// <param name="KeepAlive">The client connection can carry another request.</param>
internal readonly record struct DirectOutcome(ForwarderError Error, int StatusCode, long ResponseBytes, bool KeepAlive);

/// <summary>
/// One bodyless request on the direct path: the prepared head goes to a pooled keep-alive connection,
/// the instance's response head is relayed as bytes (hop-by-hop headers dropped, the request id and any
/// stickiness cookie added) and its body copied straight into the client connection's output. Bodies
/// with a length keep it; chunked and close-delimited ones go to the client chunked.
/// </summary>
internal sealed class DirectExchange
{
    private const int BufferSize = 64 * 1024;

    // Heads are small; the body after the first receive goes from the socket straight into the client's
    // pipe, so a small first receive spares copying most of a large body once more (measured at 64 KiB).
    private const int HeadReceiveWindow = 4 * 1024;

    private readonly Http1Forwarder _forwarder;
    private readonly DirectConnection _client;
    private readonly ClientWriter _writer;
    private ActiveTarget _target = null!;
    private UpstreamEndpoint _endpoint = null!;
    private DirectRequest _request;
    private UpstreamConnection? _connection;
    private long _responseBytes;

    /// <summary>One per client connection, reused for each of its requests in turn.</summary>
    public DirectExchange(Http1Forwarder forwarder, DirectConnection client, ClientWriter writer)
    {
        _forwarder = forwarder;
        _client = client;
        _writer = writer;
    }

    [AsyncMethodBuilder(typeof(ThreadPoolingMethodBuilder<>))]
    public async ValueTask<DirectOutcome> RunAsync(ActiveTarget target, DirectRequest request, RequestHeadBuilder head)
    {
        _target = target;
        _request = request;
        _endpoint = _forwarder.Pool.EndpointOf(target.Target);
        _connection = null;
        _responseBytes = 0;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            // Bodyless and idempotent (GET, HEAD, DELETE, OPTIONS): a stale pooled connection is simply retried on a fresh one.
            var connection = _endpoint.TryRentIdle(checkAlways: false);
            while (true)
            {
                if (connection is null)
                {
                    try
                    {
                        connection = await _endpoint.ConnectAsync(started => (_connection = started).Begin(_client, Http1Exchange.ConnectTimeoutFor(_forwarder.Timeout), connecting: true));
                    }
                    catch (Exception connectFailure)
                    {
                        return await FailBeforeResponseAsync(connectFailure);
                    }
                }

                _connection = connection;
                connection.Begin(_client, _forwarder.Timeout);
                var reused = connection.Exchanges > 0;
                // One async frame fewer than a helper would cost, on every request: send and read in line.
                ResponseHeadOutcome outcome;
                int filled;
                Exception? failure;
                try
                {
                    await connection.Socket.SendAsync(head.Written);
                    connection.Progress();
                    (outcome, filled, failure) = await UpstreamResponseHead.ReadAsync(connection, buffer, HeadReceiveWindow);
                }
                catch (Exception exception)
                {
                    (outcome, filled, failure) = (ResponseHeadOutcome.FailedBeforeAnyByte, 0, exception);
                }

                if (outcome == ResponseHeadOutcome.Received)
                {
                    return await ForwardResponseAsync(connection, buffer, filled);
                }

                connection.Dispose();
                if (outcome == ResponseHeadOutcome.FailedBeforeAnyByte && reused && connection.Aborted == UpstreamAbort.None)
                {
                    connection = null;
                    continue;
                }

                return await FailBeforeResponseAsync(failure);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [AsyncMethodBuilder(typeof(ThreadPoolingMethodBuilder<>))]
    private async ValueTask<DirectOutcome> ForwardResponseAsync(UpstreamConnection connection, byte[] buffer, int filled)
    {
        var head = connection.Head;
        var bodyless = _request.IsHead || head.StatusCode is 204 or 304;
        var byLength = !bodyless && head.ContentLength >= 0 && !head.HasTransferEncoding;
        WriteHead(head, buffer, bodyless, byLength);
        var start = head.Length;
        BodyOutcome outcome;
        if (bodyless)
        {
            outcome = await FlushAsync() ?? new BodyOutcome(ForwarderError.None, Clean: filled == start);
        }
        else if (byLength)
        {
            outcome = await CopyLengthAsync(connection, buffer, start, filled, head.ContentLength);
        }
        else if (head.IsChunked)
        {
            outcome = await CopyChunkedAsync(connection, buffer, start, filled);
        }
        else
        {
            outcome = await CopyUntilCloseAsync(connection, buffer, start, filled);
        }

        connection.End();
        if (outcome.Error != ForwarderError.None)
        {
            connection.Dispose();
            return Broken(outcome.Error, head.StatusCode);
        }

        if (outcome.Clean && head.KeepAlive && connection.Aborted == UpstreamAbort.None)
        {
            _endpoint.Return(connection);
        }
        else
        {
            connection.Dispose();
        }

        return new DirectOutcome(ForwarderError.None, head.StatusCode, _responseBytes, KeepAlive: !_request.ConnectionClose);
    }

    private void WriteHead(Http1ResponseHead head, byte[] buffer, bool bodyless, bool byLength)
    {
        // What is written never exceeds the instance's head plus the lines the router adds.
        var bound = head.Length + 128 + _request.RequestId.Length + (_request.SetCookie?.Length ?? 0);
        var output = _writer.Output;
        var writer = new HeadSpan(output.GetSpan(bound));

        // The instance's status line with the version the client speaks: HTTP/1.1.
        var statusLine = buffer.AsSpan(0, head.Length);
        statusLine = statusLine[..statusLine.IndexOf("\r\n"u8)];
        writer.Write("HTTP/1.1"u8);
        writer.Write(statusLine[8..]);
        writer.Write("\r\n"u8);

        var listed = head.ConnectionListed(buffer);

        var statusForbidsLength = head.StatusCode is < 200 or 204;
        foreach (var line in head.Headers)
        {
            var name = buffer.AsSpan(line.NameStart, line.NameLength);
            if (HeaderRules.IsDroppedOnResponse(name) || HeaderRules.IsListed(listed, name))
            {
                continue;
            }

            if (System.Text.Ascii.EqualsIgnoreCase(name, "Content-Length"u8) && (statusForbidsLength || head.HasTransferEncoding || !(byLength || bodyless)))
            {
                continue;
            }

            writer.Write(buffer.AsSpan(line.NameStart, line.ValueStart + line.ValueLength - line.NameStart));
            writer.Write("\r\n"u8);
        }

        if (!bodyless && !byLength)
        {
            writer.Write("Transfer-Encoding: chunked\r\n"u8);
        }

        if (_request.SetCookie is { } setCookie)
        {
            writer.Write("Set-Cookie: "u8);
            writer.WriteAscii(setCookie);
            writer.Write("\r\n"u8);
        }

        writer.Write("X-Request-Id: "u8);
        writer.Write(_request.RequestId.Span);
        writer.Write(_request.ConnectionClose ? "\r\nConnection: close\r\n\r\n"u8 : "\r\n\r\n"u8);
        output.Advance(writer.Length);
    }

    private readonly record struct BodyOutcome(ForwarderError Error, bool Clean);

    [AsyncMethodBuilder(typeof(ThreadPoolingMethodBuilder<>))]
    private async ValueTask<BodyOutcome> CopyLengthAsync(UpstreamConnection connection, byte[] buffer, int start, int filled, long length)
    {
        var available = filled - start;
        var first = (int)Math.Min(available, length);
        _writer.Write(buffer.AsSpan(start, first));
        _responseBytes += first;
        // Bytes beyond the body: the instance broke framing, so the connection cannot be trusted again.
        var clean = available <= length;
        var remaining = length - first;
        var output = _writer.Output;
        long unflushed = first;
        while (remaining > 0)
        {
            // Sent before waiting on the instance, unless more of the body is already there: then it goes out with
            // what came before in one send (one wake-up of the client). A full buffer's worth is sent regardless,
            // which keeps the client's back-pressure on a long fast body.
            if (unflushed >= BufferSize || !HasBytesWaiting(connection))
            {
                if (await FlushAsync() is { } clientGone)
                {
                    return clientGone;
                }

                unflushed = 0;
            }

            // Straight from the instance's socket into the client's output: no intermediate copy.
            var memory = output.GetMemory((int)Math.Min(remaining, BufferSize));
            int received;
            try
            {
                received = await connection.Socket.ReceiveAsync(memory[..(int)Math.Min(memory.Length, remaining)]);
            }
            catch (Exception)
            {
                return BrokenBody(connection);
            }

            if (received == 0)
            {
                return BrokenBody(connection);
            }

            connection.Progress();
            output.Advance(received);
            _responseBytes += received;
            unflushed += received;
            remaining -= received;
        }

        return await FlushAsync() ?? new BodyOutcome(ForwarderError.None, clean);
    }

    /// <summary>Whether the instance's next bytes are already in the socket (one ioctl, far cheaper than a send).</summary>
    private static bool HasBytesWaiting(UpstreamConnection connection)
    {
        try
        {
            return connection.Socket.Available > 0;
        }
        catch (Exception exception) when (exception is ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            return false; // cut by the watchdog: the receive will say so
        }
    }

    [AsyncMethodBuilder(typeof(ThreadPoolingMethodBuilder<>))]
    private async ValueTask<BodyOutcome> CopyChunkedAsync(UpstreamConnection connection, byte[] buffer, int start, int filled)
    {
        var decoder = connection.Chunked;
        decoder.Reset();
        var offset = start;
        var end = filled;
        while (true)
        {
            var status = decoder.Decode(buffer.AsSpan(offset, end - offset), out var consumed, out var data);
            switch (status)
            {
                case ChunkedStatus.Data:
                    var run = buffer.AsSpan(offset, end - offset)[data];
                    _writer.Chunk(run);
                    _responseBytes += run.Length;
                    offset += consumed;
                    continue;
                case ChunkedStatus.Complete:
                    _writer.Write("0\r\n\r\n"u8);
                    return await FlushAsync() ?? new BodyOutcome(ForwarderError.None, Clean: offset + consumed == end);
                case ChunkedStatus.Invalid:
                    return BrokenBody(connection);
            }

            if (await FlushAsync() is { } clientGone)
            {
                return clientGone;
            }

            var received = await ReceiveAsync(connection, buffer);
            if (received <= 0)
            {
                return BrokenBody(connection);
            }

            offset = 0;
            end = received;
        }
    }

    [AsyncMethodBuilder(typeof(ThreadPoolingMethodBuilder<>))]
    private async ValueTask<BodyOutcome> CopyUntilCloseAsync(UpstreamConnection connection, byte[] buffer, int start, int filled)
    {
        _writer.Chunk(buffer.AsSpan(start, filled - start));
        _responseBytes += filled - start;
        while (true)
        {
            if (await FlushAsync() is { } clientGone)
            {
                return clientGone;
            }

            var received = await ReceiveAsync(connection, buffer);
            if (received < 0)
            {
                return BrokenBody(connection);
            }

            if (received == 0)
            {
                // The close is the end of this body (RFC 9112 §6.3, last rule); to the client it ends with the last chunk.
                _writer.Write("0\r\n\r\n"u8);
                return await FlushAsync() ?? new BodyOutcome(ForwarderError.None, Clean: false);
            }

            _writer.Chunk(buffer.AsSpan(0, received));
            _responseBytes += received;
        }
    }

    /// <summary>Bytes received, 0 at the instance's close, -1 when the receive failed.</summary>
    [AsyncMethodBuilder(typeof(ThreadPoolingMethodBuilder<>))]
    private static async ValueTask<int> ReceiveAsync(UpstreamConnection connection, byte[] buffer)
    {
        try
        {
            var received = await connection.Socket.ReceiveAsync(buffer);
            connection.Progress();
            return received;
        }
        catch (Exception)
        {
            return -1;
        }
    }

    /// <summary>Sends what was written so far; a non-null result says the client is gone.</summary>
    [AsyncMethodBuilder(typeof(ThreadPoolingMethodBuilder<>))]
    private async ValueTask<BodyOutcome?> FlushAsync()
    {
        _client.FlushStarted();
        try
        {
            var flush = await _writer.Output.FlushAsync();
            _connection?.Progress();
            return flush.IsCanceled || flush.IsCompleted ? new BodyOutcome(ForwarderError.ResponseBodyClient, false) : null;
        }
        catch (Exception)
        {
            return new BodyOutcome(ForwarderError.ResponseBodyClient, false);
        }
        finally
        {
            _client.FlushEnded();
        }
    }

    private BodyOutcome BrokenBody(UpstreamConnection connection)
    {
        var error = connection.Aborted == UpstreamAbort.ClientAborted || _client.RequestAborted.IsCancellationRequested ? ForwarderError.ResponseBodyClient
            : connection.Aborted == UpstreamAbort.TimedOut ? ForwarderError.ResponseBodyTimedOut
            : ForwarderError.ResponseBodyDestination;
        return new BodyOutcome(error, false);
    }

    /// <summary>The head is on its way: only a broken connection tells the client the body is incomplete.</summary>
    private DirectOutcome Broken(ForwarderError error, int statusCode)
    {
        _client.Abort();
        return new DirectOutcome(error, statusCode, _responseBytes, KeepAlive: false);
    }

    [AsyncMethodBuilder(typeof(ThreadPoolingMethodBuilder<>))]
    private async ValueTask<DirectOutcome> FailBeforeResponseAsync(Exception? exception)
    {
        var connection = _connection;
        var aborted = connection?.Aborted ?? UpstreamAbort.None;
        var environmentName = _target.EnvironmentName;
        var instanceId = _target.Target.InstanceId;
        if (aborted == UpstreamAbort.ClientAborted || _client.RequestAborted.IsCancellationRequested)
        {
            RouterLog.ClientFailed(_forwarder.Logger, environmentName, instanceId, ForwarderError.RequestCanceled, exception);
            return new DirectOutcome(ForwarderError.RequestCanceled, 499, 0, KeepAlive: false);
        }

        if (aborted == UpstreamAbort.TimedOut || (aborted == UpstreamAbort.ConnectTimedOut && _forwarder.Timeout <= Http1Forwarder.ConnectTimeout))
        {
            RouterLog.InstanceFailed(_forwarder.Logger, environmentName, instanceId, ForwarderError.RequestTimedOut, null);
            _writer.Page(504, RouterPages.GatewayTimeoutTitle, RouterPages.GatewayTimeoutMessage(environmentName, instanceId, _forwarder.Timeout), RequestIdText(), _request.ConnectionClose);
            return await PageWrittenAsync(ForwarderError.RequestTimedOut, 504);
        }

        var refused = Http1Exchange.IsConnectionRefused(exception);
        RouterLog.InstanceFailed(_forwarder.Logger, environmentName, instanceId, refused ? ForwarderError.ConnectionRefused : ForwarderError.Request, exception);
        if (refused)
        {
            // Nothing reached the instance and nothing was written: Kestrel's path takes the request (and tries another target).
            return new DirectOutcome(ForwarderError.ConnectionRefused, 502, 0, KeepAlive: false);
        }

        _writer.Page(502, RouterPages.BadGatewayTitle, RouterPages.BadGatewayMessage(environmentName, instanceId), RequestIdText(), _request.ConnectionClose);
        return await PageWrittenAsync(ForwarderError.Request, 502);
    }

    private string RequestIdText() => System.Text.Encoding.ASCII.GetString(_request.RequestId.Span);

    private async ValueTask<DirectOutcome> PageWrittenAsync(ForwarderError error, int statusCode)
    {
        var clientGone = await FlushAsync();
        return new DirectOutcome(error, statusCode, 0, KeepAlive: clientGone is null && !_request.ConnectionClose);
    }
}
