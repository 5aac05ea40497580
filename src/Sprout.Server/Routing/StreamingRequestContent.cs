using System.Buffers;
using System.Net;

namespace Sprout.Server.Routing;

/// <summary>
/// Streams the client's request body to the instance without buffering it, and remembers which
/// side broke if the copy fails, so the failure is blamed on the right party.
/// </summary>
internal sealed class StreamingRequestContent : HttpContent
{
    private const int BufferSize = 64 * 1024;
    private readonly Stream _source;
    private readonly ActivityTimeout _activity;

    public StreamingRequestContent(Stream source, ActivityTimeout activity)
    {
        _source = source;
        _activity = activity;
    }

    /// <summary><see cref="ForwarderError.None"/> unless the copy failed.</summary>
    public ForwarderError Failure { get; private set; }

    public Exception? FailureException { get; private set; }

    /// <summary>Body bytes written to the instance so far.</summary>
    public long BytesSent { get; private set; }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        => SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            while (true)
            {
                int read;
                try
                {
                    read = await _source.ReadAsync(buffer, cancellationToken);
                }
                catch (Exception exception)
                {
                    Fail(ForwarderError.RequestBodyClient, exception);
                    throw;
                }

                if (read == 0)
                {
                    return;
                }

                _activity.Reset();
                try
                {
                    await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                    BytesSent += read;
                }
                catch (Exception exception)
                {
                    Fail(ForwarderError.RequestBodyDestination, exception);
                    throw;
                }

                _activity.Reset();
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    // Unknown up front; a Content-Length copied from the client is set on Headers explicitly and wins.
    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }

    private void Fail(ForwarderError error, Exception exception)
    {
        Failure = error;
        FailureException = exception;
    }
}
