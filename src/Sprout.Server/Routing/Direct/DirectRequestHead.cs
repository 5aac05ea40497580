namespace Sprout.Server.Routing.Direct;

/// <summary>
/// A client's request head as <see cref="DirectRequestParser"/> accepted it: offsets into the bytes it
/// was parsed from, so nothing becomes a string unless it is needed. One per connection, reused.
/// </summary>
internal sealed class DirectRequestHead
{
    private HeaderLine[] _lines = new HeaderLine[16];

    /// <summary>Bytes of the head, including the blank line that ends it.</summary>
    public int Length { get; private set; }

    public Range Method { get; private set; }

    /// <summary>The request target as sent (origin form: starts with <c>/</c>).</summary>
    public Range Target { get; private set; }

    public Range Host { get; private set; }

    public bool IsHead { get; private set; }

    /// <summary>The client asked for the connection to end after this response (<c>Connection: close</c>).</summary>
    public bool ConnectionClose { get; private set; }

    /// <summary>The client sent one of <c>X-Forwarded-For/Proto/Host/Port</c> (dropped unless the peer is trusted).</summary>
    public bool HasForwardedHeaders { get; private set; }

    /// <summary>The client's <c>X-Request-Id</c> when it sent exactly one; empty otherwise.</summary>
    public Range RequestId { get; private set; }

    /// <summary>Why the last head was declined (for tests and the debug log); null when it was not.</summary>
    public string? Declined { get; private set; }

    public int HeaderCount { get; private set; }

    public ReadOnlySpan<HeaderLine> Headers => _lines.AsSpan(0, HeaderCount);

    internal void Reset()
    {
        Length = 0;
        Method = default;
        Target = default;
        Host = default;
        IsHead = false;
        ConnectionClose = false;
        HasForwardedHeaders = false;
        RequestId = default;
        Declined = null;
        HeaderCount = 0;
    }

    internal void SetRequestLine(Range method, Range target, bool isHead)
    {
        Method = method;
        Target = target;
        IsHead = isHead;
    }

    internal void SetHost(Range host) => Host = host;

    internal void SetConnectionClose() => ConnectionClose = true;

    internal void SetHasForwardedHeaders() => HasForwardedHeaders = true;

    internal void SetRequestId(Range requestId) => RequestId = requestId;

    internal void AddHeader(HeaderLine line)
    {
        if (HeaderCount == _lines.Length)
        {
            Array.Resize(ref _lines, _lines.Length * 2);
        }

        _lines[HeaderCount++] = line;
    }

    internal void Complete(int length) => Length = length;

    internal void Decline(string reason) => Declined = reason;

    /// <summary>One header line: where its name and (trimmed) value sit, and whether it crosses to the instance.</summary>
    internal readonly record struct HeaderLine(Range Name, Range Value, HeaderDisposition Disposition);
}

/// <summary>What the direct path does with one request header.</summary>
internal enum HeaderDisposition
{
    /// <summary>Sent to the instance as it came.</summary>
    Forward,

    /// <summary>Hop-by-hop, or replaced by the router's own value: not sent on.</summary>
    Drop,

    /// <summary><c>Host</c>: written first, by the router.</summary>
    Host,

    /// <summary><c>Cookie</c>: sent on, and read for the stickiness cookie.</summary>
    Cookie,
}
