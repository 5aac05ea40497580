using System.Net.Sockets;
using System.Text;

namespace Sprout.Integration.Tests.Routing;

/// <summary>
/// Reads HTTP/1.1 pieces off a socket by hand (heads, lines, exact byte counts, chunked bodies), for
/// tests that play either side of a connection with exact bytes.
/// </summary>
internal sealed class SocketReader(Socket socket)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private readonly List<byte> _pending = [];

    /// <summary>Nothing read and not yet consumed.</summary>
    public bool IsDrained => _pending.Count == 0;

    /// <summary>One head, up to and including the blank line; null when the peer closed first.</summary>
    public async Task<string?> ReadHeadAsync()
    {
        while (true)
        {
            var text = Encoding.Latin1.GetString([.. _pending]);
            var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
            if (end >= 0)
            {
                _pending.RemoveRange(0, end + 4);
                return text[..(end + 4)];
            }

            if (!await FillAsync())
            {
                return null;
            }
        }
    }

    /// <summary>Exactly <paramref name="length"/> bytes.</summary>
    public async Task<byte[]> ReadBytesAsync(int length)
    {
        while (_pending.Count < length)
        {
            if (!await FillAsync())
            {
                throw new IOException("connection closed inside a body");
            }
        }

        var bytes = _pending.GetRange(0, length).ToArray();
        _pending.RemoveRange(0, length);
        return bytes;
    }

    /// <summary>A chunked body to its last chunk (trailers skipped); the data.</summary>
    public async Task<byte[]> ReadChunkedAsync()
    {
        var body = new List<byte>();
        while (true)
        {
            var size = Convert.ToInt32((await ReadLineAsync()).Split(';')[0], 16);
            if (size == 0)
            {
                while ((await ReadLineAsync()).Length > 0)
                {
                }

                return [.. body];
            }

            body.AddRange(await ReadBytesAsync(size));
            if ((await ReadLineAsync()).Length != 0)
            {
                throw new InvalidDataException("chunk data not followed by CRLF");
            }
        }
    }

    /// <summary>Receives once more; false when the peer closed.</summary>
    public async Task<bool> FillAsync()
    {
        var buffer = new byte[16 * 1024];
        var read = await socket.ReceiveAsync(buffer).WaitAsync(s_wait);
        _pending.AddRange(buffer.AsSpan(0, read));
        return read > 0;
    }

    private async Task<string> ReadLineAsync()
    {
        while (true)
        {
            var index = _pending.IndexOf((byte)'\n');
            if (index >= 0)
            {
                var line = Encoding.Latin1.GetString([.. _pending.GetRange(0, index)]).TrimEnd('\r');
                _pending.RemoveRange(0, index + 1);
                return line;
            }

            if (!await FillAsync())
            {
                throw new IOException("connection closed inside a line");
            }
        }
    }
}
