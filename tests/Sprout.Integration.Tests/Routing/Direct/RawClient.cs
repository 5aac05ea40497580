using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sprout.Integration.Tests.Routing.Direct;

/// <summary>A client that writes exact request bytes to the router and reads responses off the socket by hand.</summary>
internal sealed class RawClient : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private readonly Socket _socket;
    private readonly List<byte> _pending = [];

    private RawClient(Socket socket) => _socket = socket;

    public static async Task<RawClient> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(s_wait);
        return new RawClient(socket);
    }

    public Task SendAsync(string text) => _socket.SendAsync(Encoding.Latin1.GetBytes(text)).WaitAsync(s_wait);

    /// <summary>Reads one response: the head as text, and the body de-framed (by length or chunked).</summary>
    public async Task<RawResponse> ReadResponseAsync(bool head = false)
    {
        var text = await ReadHeadAsync();
        var lines = text.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Where(line => line.Length > 0)
            .Select(line => (Name: line[..line.IndexOf(':', StringComparison.Ordinal)], Value: line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()))
            .ToList();
        var length = headers.Where(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => int.Parse(h.Value, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault(-1);
        var chunked = headers.Any(h => h.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Value.Equals("chunked", StringComparison.OrdinalIgnoreCase));
        byte[] body = head || status is 204 or 304 ? [] : chunked ? await ReadChunkedAsync() : length >= 0 ? await ReadBytesAsync(length) : [];
        return new RawResponse(status, text, headers, body);
    }

    /// <summary>True when the router closed the connection (nothing more arrives).</summary>
    public async Task<bool> ClosedAsync()
    {
        try
        {
            return _pending.Count == 0 && !await FillAsync();
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public void Dispose() => _socket.Dispose();

    private async Task<string> ReadHeadAsync()
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
                throw new IOException("connection closed before a response head");
            }
        }
    }

    private async Task<byte[]> ReadChunkedAsync()
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
                throw new InvalidDataException("chunk not followed by CRLF");
            }
        }
    }

    private async Task<byte[]> ReadBytesAsync(int length)
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

    private async Task<bool> FillAsync()
    {
        var buffer = new byte[16 * 1024];
        var read = await _socket.ReceiveAsync(buffer).WaitAsync(s_wait);
        _pending.AddRange(buffer.AsSpan(0, read));
        return read > 0;
    }
}

/// <summary>A response as <see cref="RawClient"/> read it.</summary>
internal sealed record RawResponse(int StatusCode, string Head, List<(string Name, string Value)> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
}
