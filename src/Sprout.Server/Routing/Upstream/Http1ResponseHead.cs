namespace Sprout.Server.Routing.Upstream;

/// <summary>
/// An instance's response head as parsed by <see cref="Http1ResponseParser"/>: the status, how the body
/// is framed, and where each header line sits in the receive buffer (names and values are not turned
/// into strings until they are copied to the client's response). One per connection, reused.
/// </summary>
internal sealed class Http1ResponseHead
{
    /// <summary>Largest head accepted (status line and headers); bigger ones are a broken instance (502).</summary>
    public const int MaxLength = 64 * 1024;

    private const int MaxHeaderCount = 256;

    private HeaderLine[] _lines = new HeaderLine[16];

    public int StatusCode { get; private set; }

    /// <summary>HTTP/1.0: no keep-alive unless asked for, and we don't ask.</summary>
    public bool IsHttp10 { get; private set; }

    /// <summary>The parsed <c>Content-Length</c>, or -1 when absent.</summary>
    public long ContentLength { get; private set; } = -1;

    /// <summary>A <c>Transfer-Encoding</c> header was present (whatever it said).</summary>
    public bool HasTransferEncoding { get; private set; }

    /// <summary>The final transfer coding is <c>chunked</c>.</summary>
    public bool IsChunked { get; private set; }

    /// <summary><c>Connection: close</c> (or HTTP/1.0): the connection ends with this response.</summary>
    public bool ConnectionClose { get; private set; }

    /// <summary>Bytes of the head, including the blank line that ends it.</summary>
    public int Length { get; private set; }

    /// <summary>Why the head was rejected, for the log; null when it was not.</summary>
    public string? Invalid { get; private set; }

    public int HeaderCount { get; private set; }

    public ReadOnlySpan<HeaderLine> Headers => _lines.AsSpan(0, HeaderCount);

    /// <summary>Whether the connection may carry another request once this response's body has been read to its end.</summary>
    public bool KeepAlive => !ConnectionClose && !IsHttp10 && !(HasTransferEncoding && !IsChunked) && !(HasTransferEncoding && ContentLength >= 0);

    /// <summary>
    /// The header names the instance's <c>Connection</c> headers list (hop-by-hop by declaration, dropped
    /// towards the client), or null for none; the plain <c>keep-alive</c>/<c>close</c> options name nothing.
    /// </summary>
    /// <param name="buffer">The bytes this head was parsed from.</param>
    public string[]? ConnectionListed(ReadOnlySpan<byte> buffer)
    {
        string[]? listed = null;
        foreach (var line in Headers)
        {
            if (System.Text.Ascii.EqualsIgnoreCase(buffer.Slice(line.NameStart, line.NameLength), "Connection"u8))
            {
                var value = buffer.Slice(line.ValueStart, line.ValueLength);
                if (!System.Text.Ascii.EqualsIgnoreCase(value, "keep-alive"u8) && !System.Text.Ascii.EqualsIgnoreCase(value, "close"u8))
                {
                    listed = [.. listed ?? [], .. HeaderRules.ConnectionTokens(System.Text.Encoding.Latin1.GetString(value)) ?? []];
                }
            }
        }

        return listed;
    }

    internal void Reset()
    {
        StatusCode = 0;
        IsHttp10 = false;
        ContentLength = -1;
        HasTransferEncoding = false;
        IsChunked = false;
        ConnectionClose = false;
        Length = 0;
        Invalid = null;
        HeaderCount = 0;
    }

    internal void SetStatus(int statusCode, bool http10)
    {
        StatusCode = statusCode;
        IsHttp10 = http10;
        ConnectionClose = http10;
    }

    internal bool AddHeader(HeaderLine line)
    {
        if (HeaderCount == MaxHeaderCount)
        {
            return false;
        }

        if (HeaderCount == _lines.Length)
        {
            Array.Resize(ref _lines, _lines.Length * 2);
        }

        _lines[HeaderCount++] = line;
        return true;
    }

    internal bool SetContentLength(long length)
    {
        // Repeated identical values are tolerated (RFC 9110 §8.6); differing ones are a smuggling attempt or a bug.
        if (ContentLength >= 0 && ContentLength != length)
        {
            return false;
        }

        ContentLength = length;
        return true;
    }

    internal void SetTransferEncoding(bool chunkedLast)
    {
        HasTransferEncoding = true;
        IsChunked = chunkedLast;
    }

    internal void SetConnectionClose() => ConnectionClose = true;

    internal void Complete(int length) => Length = length;

    internal void Reject(string reason) => Invalid = reason;

    /// <summary>One header line: offsets into the buffer the head was parsed from.</summary>
    internal readonly record struct HeaderLine(int NameStart, int NameLength, int ValueStart, int ValueLength);
}
