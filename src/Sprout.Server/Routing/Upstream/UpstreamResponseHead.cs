using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Sprout.Server.Routing.Async;

namespace Sprout.Server.Routing.Upstream;

/// <summary>How reading an instance's response head ended.</summary>
internal enum ResponseHeadOutcome
{
    /// <summary>A final (non-1xx) head is parsed into <see cref="UpstreamConnection.Head"/>.</summary>
    Received,

    /// <summary>The connection failed or closed before a single byte came: a stale pooled connection, or a refusal.</summary>
    FailedBeforeAnyByte,

    /// <summary>Broken or invalid after some bytes.</summary>
    Failed,
}

/// <summary>Reads an instance's response head, skipping interim (1xx) responses; shared by both client-facing paths.</summary>
internal static class UpstreamResponseHead
{
    /// <summary>
    /// Receives into <paramref name="buffer"/> until a final response head is parsed into the connection's
    /// <see cref="UpstreamConnection.Head"/>; <c>Filled</c> is how many bytes of <paramref name="buffer"/> hold data
    /// (the head, then the start of the body).
    /// </summary>
    [AsyncMethodBuilder(typeof(ThreadPoolingMethodBuilder<>))]
    /// <param name="connection">The connection the request went out on.</param>
    /// <param name="buffer">Where the head (and whatever follows it in the same receives) lands.</param>
    /// <param name="receiveWindow">
    /// The most one receive may take: a caller that copies the body straight from the socket elsewhere keeps
    /// the part read here (and copied once more) small.
    /// </param>
    public static async ValueTask<(ResponseHeadOutcome Outcome, int Filled, Exception? Exception)> ReadAsync(
        UpstreamConnection connection, byte[] buffer, int receiveWindow = int.MaxValue)
    {
        var socket = connection.Socket;
        var filled = 0;
        var response = connection.Head;
        while (true)
        {
            if (filled == buffer.Length)
            {
                return (ResponseHeadOutcome.Failed, filled, new InvalidResponseException("response head too large"));
            }

            int received;
            try
            {
                received = await socket.ReceiveAsync(buffer.AsMemory(filled, Math.Min(buffer.Length - filled, receiveWindow)));
            }
            catch (Exception exception)
            {
                return (filled == 0 ? ResponseHeadOutcome.FailedBeforeAnyByte : ResponseHeadOutcome.Failed, filled, exception);
            }

            if (received == 0)
            {
                return (filled == 0 ? ResponseHeadOutcome.FailedBeforeAnyByte : ResponseHeadOutcome.Failed, filled, new InvalidResponseException("connection closed before a complete response head"));
            }

            connection.Progress();
            filled += received;
            while (true)
            {
                var status = Http1ResponseParser.TryParse(buffer.AsSpan(0, filled), response);
                if (status == HeadParseStatus.Incomplete)
                {
                    break;
                }

                if (status == HeadParseStatus.Invalid)
                {
                    return (ResponseHeadOutcome.Failed, filled, new InvalidResponseException(response.Invalid ?? "invalid response head"));
                }

                if (response.StatusCode is >= 100 and < 200)
                {
                    if (response.StatusCode == 101)
                    {
                        return (ResponseHeadOutcome.Failed, filled, new InvalidResponseException("101 to a request that did not ask to upgrade"));
                    }

                    // Interim (100 Continue, 103 Early Hints): not forwarded; the final response follows.
                    buffer.AsSpan(response.Length, filled - response.Length).CopyTo(buffer);
                    filled -= response.Length;
                    continue;
                }

                return (ResponseHeadOutcome.Received, filled, null);
            }
        }
    }
}
