using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Sprout.Server.Routing.Upstream;

/// <summary>
/// One request forwarded by <see cref="Http1Forwarder"/>: take (or open) a connection, send the head,
/// stream the request body alongside reading the response (an instance may answer before it has read
/// everything), copy the response head and body to the client, then return the connection to the pool
/// only if the response was read exactly to its end and the instance keeps it open.
/// </summary>
internal sealed class Http1Exchange
{
    private const int BufferSize = 64 * 1024;

    private readonly Http1Forwarder _forwarder;
    private readonly HttpContext _context;
    private readonly string _environmentName;
    private readonly RouteTarget _target;
    private readonly UpstreamEndpoint _endpoint;
    private readonly bool _canHaveBody;
    private readonly bool _retryable;
    private readonly IHttpRequestLifetimeFeature? _lifetime;
    private UpstreamConnection? _connection;
    private Task? _upload;
    private bool _uploadComplete;
    private ForwarderError _uploadFailure;
    private Exception? _uploadException;
    private long _requestBytes;
    private long _responseBytes;
    private static readonly byte[] s_lastChunk = "0\r\n\r\n"u8.ToArray();

    public Http1Exchange(Http1Forwarder forwarder, HttpContext context, string environmentName, RouteTarget target, UpstreamEndpoint endpoint, bool canHaveBody, bool retryable)
    {
        _forwarder = forwarder;
        _context = context;
        _environmentName = environmentName;
        _target = target;
        _endpoint = endpoint;
        _canHaveBody = canHaveBody;
        _retryable = retryable;
        _lifetime = context.Features.Get<IHttpRequestLifetimeFeature>();
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ForwardingResult> RunAsync(string requestId)
    {
        using var head = new RequestHeadBuilder();
        var chunked = _forwarder.WriteHead(_context, _endpoint, requestId, _canHaveBody, head);
        // Without a body, a request that met a connection the instance had just closed can simply go again.
        var idempotent = !_canHaveBody && IsIdempotent(_context.Request.Method);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            var connection = _endpoint.TryRentIdle(checkAlways: !idempotent);
            while (true)
            {
                if (connection is null)
                {
                    try
                    {
                        connection = await _endpoint.ConnectAsync(started => (_connection = started).Begin(_lifetime, ConnectTimeoutFor(_forwarder.Timeout), connecting: true));
                    }
                    catch (Exception connectFailure)
                    {
                        return Result(await FailBeforeResponseAsync(connectFailure));
                    }
                }

                _connection = connection;
                connection.Begin(_lifetime, _forwarder.Timeout);
                var reused = connection.Exchanges > 0;
                var (outcome, filled, failure) = await SendHeadAndReadResponseHeadAsync(connection, head, chunked, buffer);
                if (outcome == ResponseHeadOutcome.Received)
                {
                    return Result(await ForwardResponseAsync(connection, buffer, filled));
                }

                connection.Dispose();
                if (outcome == ResponseHeadOutcome.FailedBeforeAnyByte && reused && idempotent && connection.Aborted == UpstreamAbort.None)
                {
                    // A pooled connection the instance closed while it sat idle: once more, on a fresh one.
                    connection = null;
                    continue;
                }

                return Result(await FailBeforeResponseAsync(failure));
            }
        }
        finally
        {
            await StopUploadAsync();
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(ResponseHeadOutcome Outcome, int Filled, Exception? Exception)> SendHeadAndReadResponseHeadAsync(
        UpstreamConnection connection, RequestHeadBuilder head, bool chunked, byte[] buffer)
    {
        var socket = connection.Socket;
        try
        {
            await socket.SendAsync(head.Written);
        }
        catch (Exception exception)
        {
            return (ResponseHeadOutcome.FailedBeforeAnyByte, 0, exception);
        }

        connection.Progress();
        if (_canHaveBody)
        {
            _upload = UploadAsync(connection, _context.Request.BodyReader, chunked);
        }

        return await UpstreamResponseHead.ReadAsync(connection, buffer);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ForwarderError> ForwardResponseAsync(UpstreamConnection connection, byte[] buffer, int filled)
    {
        var head = connection.Head;
        var response = _context.Response;
        try
        {
            ApplyHead(connection, buffer);
        }
        catch (InvalidOperationException exception)
        {
            // Kestrel refused a header value (non-ASCII, say): the instance's answer cannot be relayed.
            connection.Dispose();
            response.Clear();
            return await _forwarder.Failures.InstanceFailedAsync(_context, _environmentName, _target, ForwarderError.Request, exception, leaveRefusedToCaller: false);
        }

        var bodyless = head.StatusCode is 204 or 304 || HttpMethods.IsHead(_context.Request.Method);
        var start = head.Length;
        BodyOutcome outcome;
        if (bodyless)
        {
            outcome = new BodyOutcome(ForwarderError.None, null, Clean: filled == start);
        }
        else if (head.IsChunked)
        {
            outcome = await CopyChunkedAsync(connection, buffer, start, filled);
        }
        else if (head.ContentLength >= 0 && !head.HasTransferEncoding)
        {
            outcome = await CopyLengthAsync(connection, buffer, start, filled, head.ContentLength);
        }
        else
        {
            outcome = await CopyUntilCloseAsync(connection, buffer, start, filled);
        }

        if (outcome.Error != ForwarderError.None)
        {
            connection.Dispose();
            return await _forwarder.Failures.ResponseBodyAsync(_context, _environmentName, _target, outcome.Error, outcome.Exception);
        }

        // The response is complete; an upload the instance did not wait for ends here, and so does the connection.
        var reusable = outcome.Clean && head.KeepAlive && await UploadFinishedAsync();
        connection.End();
        if (reusable && connection.Aborted == UpstreamAbort.None)
        {
            _endpoint.Return(connection);
        }
        else
        {
            connection.Dispose();
        }

        return ForwarderError.None;
    }

    private void ApplyHead(UpstreamConnection connection, byte[] buffer)
    {
        var head = connection.Head;
        var response = _context.Response;
        response.StatusCode = head.StatusCode;
        var headers = response.Headers;
        var lines = head.Headers;
        var listed = head.ConnectionListed(buffer);

        var statusForbidsLength = head.StatusCode is < 200 or 204;
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var name = buffer.AsSpan(line.NameStart, line.NameLength);
            if (HeaderRules.IsDroppedOnResponse(name) || HeaderRules.IsListed(listed, name))
            {
                continue;
            }

            if (System.Text.Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
            {
                // Already parsed and checked; Kestrel keeps it as a number. Dropped beside Transfer-Encoding (it describes nothing).
                if (!statusForbidsLength && !head.HasTransferEncoding)
                {
                    response.ContentLength = head.ContentLength;
                }

                continue;
            }

            headers.Append(connection.Strings.Name(i, name), connection.Strings.Value(i, buffer.AsSpan(line.ValueStart, line.ValueLength)));
        }
    }

    private readonly record struct BodyOutcome(ForwarderError Error, Exception? Exception, bool Clean);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<BodyOutcome> CopyLengthAsync(UpstreamConnection connection, byte[] buffer, int start, int filled, long length)
    {
        var writer = _context.Response.BodyWriter;
        var available = filled - start;
        var first = (int)Math.Min(available, length);
        if (first > 0)
        {
            writer.Write(buffer.AsSpan(start, first));
            _responseBytes += first;
        }

        // Bytes beyond the body: the instance broke framing, so the connection cannot be trusted again.
        var clean = available <= length;
        var remaining = length - first;
        var unflushed = first > 0;
        while (remaining > 0)
        {
            if (unflushed && await FlushAsync(writer) is { } clientGone)
            {
                return clientGone;
            }

            int received;
            try
            {
                received = await connection.Socket.ReceiveAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)));
            }
            catch (Exception exception)
            {
                return BrokenBody(connection, exception);
            }

            if (received == 0)
            {
                return BrokenBody(connection, new InvalidResponseException($"connection closed {remaining} bytes before the end of the Content-Length body"));
            }

            connection.Progress();
            writer.Write(buffer.AsSpan(0, received));
            _responseBytes += received;
            remaining -= received;
            unflushed = true;
        }

        return await FinishAsync(writer, unflushed, clean);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<BodyOutcome> CopyChunkedAsync(UpstreamConnection connection, byte[] buffer, int start, int filled)
    {
        var writer = _context.Response.BodyWriter;
        var decoder = connection.Chunked;
        decoder.Reset();
        var offset = start;
        var end = filled;
        var unflushed = false;
        while (true)
        {
            var status = decoder.Decode(buffer.AsSpan(offset, end - offset), out var consumed, out var data);
            switch (status)
            {
                case ChunkedStatus.Data:
                    var run = buffer.AsSpan(offset, end - offset)[data];
                    writer.Write(run);
                    _responseBytes += run.Length;
                    unflushed = true;
                    offset += consumed;
                    continue;
                case ChunkedStatus.Complete:
                    return await FinishAsync(writer, unflushed, clean: offset + consumed == end);
                case ChunkedStatus.Invalid:
                    return BrokenBody(connection, new InvalidResponseException("invalid chunked framing"));
            }

            if (unflushed && await FlushAsync(writer) is { } clientGone)
            {
                return clientGone;
            }

            unflushed = false;

            int received;
            try
            {
                received = await connection.Socket.ReceiveAsync(buffer);
            }
            catch (Exception exception)
            {
                return BrokenBody(connection, exception);
            }

            if (received == 0)
            {
                return BrokenBody(connection, new InvalidResponseException("connection closed before the last chunk"));
            }

            connection.Progress();
            offset = 0;
            end = received;
        }
    }

    private async ValueTask<BodyOutcome> CopyUntilCloseAsync(UpstreamConnection connection, byte[] buffer, int start, int filled)
    {
        var writer = _context.Response.BodyWriter;
        var unflushed = filled > start;
        if (unflushed)
        {
            writer.Write(buffer.AsSpan(start, filled - start));
            _responseBytes += filled - start;
        }

        while (true)
        {
            if (unflushed && await FlushAsync(writer) is { } clientGone)
            {
                return clientGone;
            }

            unflushed = true;

            int received;
            try
            {
                received = await connection.Socket.ReceiveAsync(buffer);
            }
            catch (Exception exception)
            {
                return BrokenBody(connection, exception);
            }

            if (received == 0)
            {
                // The close is the end of this body (RFC 9112 §6.3, last rule); never reused.
                return await FinishAsync(writer, unflushed: true, clean: false);
            }

            connection.Progress();
            writer.Write(buffer.AsSpan(0, received));
            _responseBytes += received;
        }
    }

    /// <summary>
    /// The body is complete. A response not yet started is left to Kestrel, which sends head and body in
    /// one write when the request ends; once started, Kestrel does not flush what was written last by itself.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<BodyOutcome> FinishAsync(PipeWriter writer, bool unflushed, bool clean)
    {
        if (unflushed && _context.Response.HasStarted && await FlushAsync(writer) is { } clientGone)
        {
            return clientGone;
        }

        return new BodyOutcome(ForwarderError.None, null, clean);
    }

    /// <summary>Sends what was written so far to the client; a non-null result says the client is gone.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<BodyOutcome?> FlushAsync(PipeWriter writer)
    {
        try
        {
            var flush = await writer.FlushAsync();
            _connection?.Progress();
            return flush.IsCanceled || flush.IsCompleted ? new BodyOutcome(ForwarderError.ResponseBodyClient, null, false) : null;
        }
        catch (Exception exception)
        {
            return new BodyOutcome(ForwarderError.ResponseBodyClient, exception, false);
        }
    }

    private BodyOutcome BrokenBody(UpstreamConnection connection, Exception exception)
    {
        var error = ClientAborted(connection) ? ForwarderError.ResponseBodyClient
            : connection.Aborted == UpstreamAbort.TimedOut ? ForwarderError.ResponseBodyTimedOut
            : ForwarderError.ResponseBodyDestination;
        return new BodyOutcome(error, exception, false);
    }

    private async Task UploadAsync(UpstreamConnection connection, PipeReader reader, bool chunked)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        var socket = connection.Socket;
        try
        {
            while (true)
            {
                ReadResult result;
                try
                {
                    result = await reader.ReadAsync();
                }
                catch (Exception exception)
                {
                    _uploadException = exception;
                    _uploadFailure = ForwarderError.RequestBodyClient;
                    // The instance is waiting for a body that will never come; cut it so the response read ends too.
                    connection.Dispose();
                    return;
                }

                if (result.IsCanceled)
                {
                    // Stopped because the exchange ended first. The read must still be given back, or Kestrel's
                    // draining of the rest of the body finds a read in progress and closes the connection on a
                    // client that is still sending (which then sees a broken pipe instead of its response).
                    reader.AdvanceTo(result.Buffer.Start);
                    return;
                }

                var body = result.Buffer;
                try
                {
                    while (!body.IsEmpty)
                    {
                        // Copied into one buffer per send: Kestrel's body arrives in 4 KiB segments, a syscall each otherwise.
                        var framing = chunked ? 12 : 0;
                        var take = (int)Math.Min(body.Length, buffer.Length - framing - 2);
                        var length = 0;
                        if (chunked)
                        {
                            take.TryFormat(buffer, out length, "x", System.Globalization.CultureInfo.InvariantCulture);
                            buffer[length++] = (byte)'\r';
                            buffer[length++] = (byte)'\n';
                        }

                        body.Slice(0, take).CopyTo(buffer.AsSpan(length));
                        length += take;
                        if (chunked)
                        {
                            buffer[length++] = (byte)'\r';
                            buffer[length++] = (byte)'\n';
                        }

                        await socket.SendAsync(buffer.AsMemory(0, length));
                        connection.Progress();
                        _requestBytes += take;
                        body = body.Slice(take);
                    }

                    if (result.IsCompleted && chunked)
                    {
                        await socket.SendAsync(s_lastChunk);
                    }
                }
                catch (Exception exception)
                {
                    _uploadException = exception;
                    _uploadFailure = ForwarderError.RequestBodyDestination;
                    reader.AdvanceTo(result.Buffer.End);
                    return;
                }

                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    _uploadComplete = true;
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>True when the request body went out whole (or there was none); otherwise stops what is left of it.</summary>
    private async ValueTask<bool> UploadFinishedAsync()
    {
        if (_upload is null)
        {
            return true;
        }

        if (_upload.IsCompleted)
        {
            await StopUploadAsync();
            return _uploadComplete;
        }

        return false;
    }

    private async ValueTask StopUploadAsync()
    {
        var upload = _upload;
        if (upload is null)
        {
            return;
        }

        if (!upload.IsCompleted)
        {
            // The exchange is over before the body: stop reading the client's, and close the instance's
            // connection under the send (it is not reusable with half a body on it anyway).
            _context.Request.BodyReader.CancelPendingRead();
            _connection?.Dispose();
        }

        _upload = null;
        await upload;
    }

    private async ValueTask<ForwarderError> FailBeforeResponseAsync(Exception? exception)
    {
        var failures = _forwarder.Failures;
        var connection = _connection;
        await StopUploadAsync();
        if (ClientAborted(connection))
        {
            return failures.Canceled(_environmentName, _target, exception);
        }

        if (_uploadFailure == ForwarderError.RequestBodyClient)
        {
            return await failures.RequestBodyClientAsync(_context, _environmentName, _target, _uploadException);
        }

        var aborted = connection?.Aborted ?? UpstreamAbort.None;
        if (aborted == UpstreamAbort.TimedOut || (aborted == UpstreamAbort.ConnectTimedOut && _forwarder.Timeout <= Http1Forwarder.ConnectTimeout))
        {
            return await failures.TimedOutAsync(_context, _environmentName, _target);
        }

        var error = _uploadFailure == ForwarderError.RequestBodyDestination ? ForwarderError.RequestBodyDestination
            : IsConnectionRefused(exception) ? ForwarderError.ConnectionRefused
            : ForwarderError.Request;
        return await failures.InstanceFailedAsync(_context, _environmentName, _target, error, _uploadException ?? exception, leaveRefusedToCaller: _retryable && _requestBytes == 0);
    }

    private bool ClientAborted(UpstreamConnection? connection)
        => connection?.Aborted == UpstreamAbort.ClientAborted || _context.RequestAborted.IsCancellationRequested;

    private ForwardingResult Result(ForwarderError error) => new(error, _requestBytes, _responseBytes);

    internal static TimeSpan ConnectTimeoutFor(TimeSpan requestTimeout)
        => requestTimeout < Http1Forwarder.ConnectTimeout ? requestTimeout : Http1Forwarder.ConnectTimeout;

    private static bool IsIdempotent(string method)
        => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method)
            || HttpMethods.IsPut(method) || HttpMethods.IsDelete(method);


    internal static bool IsConnectionRefused(Exception? exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }
}
