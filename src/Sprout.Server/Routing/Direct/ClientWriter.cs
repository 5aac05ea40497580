using System.Globalization;
using System.IO.Pipelines;
using System.Text;

namespace Sprout.Server.Routing.Direct;

/// <summary>Writes response bytes into the client connection's output pipe (sent on the next flush).</summary>
internal readonly struct ClientWriter(PipeWriter output)
{
    public PipeWriter Output { get; } = output;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        var span = Output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        Output.Advance(bytes.Length);
    }

    /// <summary>Writes text the router made or checked (ASCII: ids, cookie values, numbers); pages go through <see cref="WriteUtf8"/>.</summary>
    public void WriteAscii(string text)
    {
        var span = Output.GetSpan(text.Length);
        var written = Encoding.ASCII.GetBytes(text, span);
        Output.Advance(written);
    }

    public void WriteUtf8(string text)
    {
        var span = Output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        var written = Encoding.UTF8.GetBytes(text, span);
        Output.Advance(written);
    }

    public void WriteNumber(long value)
    {
        var span = Output.GetSpan(20);
        value.TryFormat(span, out var written, provider: CultureInfo.InvariantCulture);
        Output.Advance(written);
    }

    /// <summary><c>name: value\r\n</c>.</summary>
    public void Header(ReadOnlySpan<byte> name, string value)
    {
        Write(name);
        Write(": "u8);
        WriteAscii(value);
        Write("\r\n"u8);
    }

    /// <summary>One chunk of a chunked body: <c>hex\r\ndata\r\n</c>.</summary>
    public void Chunk(ReadOnlySpan<byte> data)
    {
        if (data.IsEmpty)
        {
            return;
        }

        var span = Output.GetSpan(16 + data.Length);
        data.Length.TryFormat(span, out var written, "x", CultureInfo.InvariantCulture);
        span[written++] = (byte)'\r';
        span[written++] = (byte)'\n';
        data.CopyTo(span[written..]);
        written += data.Length;
        span[written++] = (byte)'\r';
        span[written++] = (byte)'\n';
        Output.Advance(written);
    }

    /// <summary>A whole small response the router answers itself (502, 504): the same page as Kestrel's path.</summary>
    public void Page(int statusCode, string title, string encodedMessage, string requestId, bool close)
    {
        var html = Encoding.UTF8.GetBytes(RouterPages.Html(statusCode, title, encodedMessage, requestId));
        Write("HTTP/1.1 "u8);
        WriteNumber(statusCode);
        Write(" "u8);
        WriteAscii(title);
        Write("\r\nContent-Type: "u8);
        WriteAscii(RouterPages.ContentType);
        Write("\r\nCache-Control: no-store\r\nContent-Length: "u8);
        WriteNumber(html.Length);
        Write("\r\n"u8);
        Header("X-Request-Id"u8, requestId);
        if (close)
        {
            Write("Connection: close\r\n"u8);
        }

        Write("\r\n"u8);
        Write(html);
    }
}
