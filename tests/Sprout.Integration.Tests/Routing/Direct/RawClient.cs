using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sprout.Integration.Tests.Routing.Direct;

/// <summary>A client that writes exact request bytes to the router and reads responses off the socket by hand.</summary>
internal sealed class RawClient : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private readonly Socket _socket;
    private readonly SocketReader _reader;

    private RawClient(Socket socket)
    {
        _socket = socket;
        _reader = new SocketReader(socket);
    }

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
        var text = await _reader.ReadHeadAsync() ?? throw new IOException("connection closed before a response head");
        var lines = text.Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Where(line => line.Length > 0)
            .Select(line => (Name: line[..line.IndexOf(':', StringComparison.Ordinal)], Value: line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim()))
            .ToList();
        var length = headers.Where(h => h.Name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)).Select(h => int.Parse(h.Value, System.Globalization.CultureInfo.InvariantCulture)).FirstOrDefault(-1);
        var chunked = headers.Any(h => h.Name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && h.Value.Equals("chunked", StringComparison.OrdinalIgnoreCase));
        byte[] body = head || status is 204 or 304 ? [] : chunked ? await _reader.ReadChunkedAsync() : length >= 0 ? await _reader.ReadBytesAsync(length) : [];
        return new RawResponse(status, text, headers, body);
    }

    /// <summary>True when the router closed the connection (nothing more arrives).</summary>
    public async Task<bool> ClosedAsync()
    {
        try
        {
            return _reader.IsDrained && !await _reader.FillAsync();
        }
        catch (SocketException)
        {
            return true;
        }
    }

    public void Dispose() => _socket.Dispose();
}

/// <summary>A response as <see cref="RawClient"/> read it.</summary>
internal sealed record RawResponse(int StatusCode, string Head, List<(string Name, string Value)> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.Where(h => h.Name.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value).FirstOrDefault();
}
