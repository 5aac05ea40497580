using System.Buffers;
using System.Text;
using static Sprout.Server.Routing.Direct.DirectRequestHead;

namespace Sprout.Server.Routing.Direct;

/// <summary>How far parsing a client's request head got.</summary>
internal enum RequestParseStatus
{
    /// <summary>The blank line ending the head has not arrived yet; read more.</summary>
    Incomplete,

    /// <summary>The head is a plain request the direct path serves; <see cref="DirectRequestHead.Length"/> bytes were it.</summary>
    Complete,

    /// <summary>
    /// Anything else: a body, an upgrade, an unusual or malformed head. Kestrel gets the connection with
    /// nothing consumed and answers it as it always did (including 400 and 431 for broken heads).
    /// </summary>
    Declined,
}

/// <summary>
/// Accepts only the plainest HTTP/1.1 requests (RFC 9112 §3–5) and declines everything else. What it
/// accepts cannot be framed two ways: no body (no <c>Content-Length</c>, no <c>Transfer-Encoding</c>, a method
/// that carries none), CRLF line ends only, token header names with the colon right after, values of
/// visible ASCII, spaces and tabs, one <c>Host</c> of host characters, and Kestrel's own size limits.
/// </summary>
internal static class DirectRequestParser
{
    /// <summary>Kestrel's default <c>MaxRequestHeadersTotalSize</c>; a larger head is Kestrel's to reject (431).</summary>
    public const int MaxHeadLength = 32 * 1024;

    /// <summary>Kestrel's default <c>MaxRequestLineSize</c>.</summary>
    public const int MaxRequestLineLength = 8 * 1024;

    /// <summary>Kestrel's default <c>MaxRequestHeaderCount</c>.</summary>
    public const int MaxHeaderCount = 100;

    private static readonly SearchValues<byte> s_tokenChars = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    private static readonly SearchValues<byte> s_targetChars = SearchValues.Create(
        "!\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"u8);

    private static readonly SearchValues<byte> s_hostChars = SearchValues.Create(
        "-.0123456789:ABCDEFGHIJKLMNOPQRSTUVWXYZ[]_abcdefghijklmnopqrstuvwxyz~"u8);

    private static readonly SearchValues<byte> s_valueChars = SearchValues.Create(
        "\t !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefghijklmnopqrstuvwxyz{|}~"u8);

    // Headers that end at the router: hop-by-hop ones (RFC 9110 §7.6.1) and the request id, which the router decides.
    private static readonly byte[][] s_dropped =
    [
        "Keep-Alive"u8.ToArray(), "Proxy-Connection"u8.ToArray(), "Proxy-Authenticate"u8.ToArray(),
        "Proxy-Authorization"u8.ToArray(), "TE"u8.ToArray(), "Trailer"u8.ToArray(),
    ];

    private static readonly byte[][] s_forwarded =
    [
        "X-Forwarded-For"u8.ToArray(), "X-Forwarded-Proto"u8.ToArray(), "X-Forwarded-Host"u8.ToArray(), "X-Forwarded-Port"u8.ToArray(),
    ];

    // Their presence means a body, a protocol switch or a conversation (100-continue) the direct path does not hold.
    private static readonly byte[][] s_declining =
    [
        "Content-Length"u8.ToArray(), "Transfer-Encoding"u8.ToArray(), "Upgrade"u8.ToArray(), "Expect"u8.ToArray(), "HTTP2-Settings"u8.ToArray(),
    ];

    /// <summary>Parses the head at the start of <paramref name="buffer"/> into <paramref name="head"/> (reset first).</summary>
    public static RequestParseStatus TryParse(ReadOnlySpan<byte> buffer, DirectRequestHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        head.Reset();
        var end = buffer.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return buffer.Length >= MaxHeadLength ? Decline(head, "head too large")
                : buffer.IndexOf((byte)'\n') is var lf && lf >= 0 && (lf == 0 || buffer[lf - 1] != '\r') ? Decline(head, "bare LF")
                : RequestParseStatus.Incomplete;
        }

        if (end + 4 > MaxHeadLength)
        {
            return Decline(head, "head too large");
        }

        var lineEnd = buffer.IndexOf("\r\n"u8);
        if (lineEnd > MaxRequestLineLength || !TryParseRequestLine(buffer[..lineEnd], head))
        {
            return Decline(head, "not a plain HTTP/1.1 request line");
        }

        var position = lineEnd + 2;
        var hosts = 0;
        var requestIds = 0;
        while (position < end + 2)
        {
            var length = buffer[position..].IndexOf("\r\n"u8);
            if (head.HeaderCount == MaxHeaderCount)
            {
                return Decline(head, "too many headers");
            }

            if (!TryParseHeaderLine(buffer, position, length, out var line))
            {
                return Decline(head, "malformed header line");
            }

            var name = buffer[line.Name];
            var disposition = HeaderDisposition.Forward;
            if (IsOneOf(name, s_declining))
            {
                return Decline(head, $"{Encoding.ASCII.GetString(name)} header");
            }

            if (Ascii.EqualsIgnoreCase(name, "Host"u8))
            {
                var host = buffer[line.Value];
                if (++hosts > 1 || host.IsEmpty || host.ContainsAnyExcept(s_hostChars))
                {
                    return Decline(head, "not exactly one plain Host");
                }

                head.SetHost(line.Value);
                disposition = HeaderDisposition.Host;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Connection"u8))
            {
                if (!TryReadConnection(buffer[line.Value], head))
                {
                    return Decline(head, "Connection names other headers");
                }

                disposition = HeaderDisposition.Drop;
            }
            else if (Ascii.EqualsIgnoreCase(name, "X-Request-Id"u8))
            {
                requestIds++;
                head.SetRequestId(line.Value);
                disposition = HeaderDisposition.Drop;
            }
            else if (IsOneOf(name, s_forwarded))
            {
                head.SetHasForwardedHeaders();
                disposition = HeaderDisposition.Drop;
            }
            else if (IsOneOf(name, s_dropped))
            {
                disposition = HeaderDisposition.Drop;
            }
            else if (Ascii.EqualsIgnoreCase(name, "Cookie"u8))
            {
                disposition = HeaderDisposition.Cookie;
            }

            head.AddHeader(line with { Disposition = disposition });
            position += length + 2;
        }

        if (hosts == 0)
        {
            return Decline(head, "no Host");
        }

        if (requestIds != 1 || !IsAcceptableRequestId(buffer[head.RequestId]))
        {
            head.SetRequestId(default);
        }

        head.Complete(end + 4);
        return RequestParseStatus.Complete;
    }

    /// <summary>The same rule as <see cref="Forwarding.RequestIds.IsAcceptable"/>, on bytes.</summary>
    internal static bool IsAcceptableRequestId(ReadOnlySpan<byte> value)
        => value.Length is > 0 and <= Forwarding.RequestIds.MaxLength
            && value[0] != ' ' && value[^1] != ' '
            && !value.ContainsAnyExceptInRange((byte)' ', (byte)'~');

    private static bool TryParseRequestLine(ReadOnlySpan<byte> line, DirectRequestHead head)
    {
        // GET, HEAD, DELETE and OPTIONS carry no body without framing headers, which are declined anyway.
        int methodLength;
        var isHead = false;
        if (line.StartsWith("GET "u8))
        {
            methodLength = 3;
        }
        else if (line.StartsWith("HEAD "u8))
        {
            methodLength = 4;
            isHead = true;
        }
        else if (line.StartsWith("DELETE "u8))
        {
            methodLength = 6;
        }
        else if (line.StartsWith("OPTIONS "u8))
        {
            methodLength = 7;
        }
        else
        {
            return false;
        }

        const int VersionLength = 9; // " HTTP/1.1"
        var targetStart = methodLength + 1;
        if (!line.EndsWith(" HTTP/1.1"u8) || line.Length - VersionLength <= targetStart)
        {
            return false;
        }

        var target = line[targetStart..^VersionLength];
        if (target[0] != '/' || target.ContainsAnyExcept(s_targetChars))
        {
            return false;
        }

        head.SetRequestLine(new Range(0, methodLength), new Range(targetStart, line.Length - VersionLength), isHead);
        return true;
    }

    private static bool TryParseHeaderLine(ReadOnlySpan<byte> buffer, int start, int length, out HeaderLine line)
    {
        line = default;
        var text = buffer.Slice(start, length);
        var colon = text.IndexOf((byte)':');
        if (colon <= 0 || text[..colon].ContainsAnyExcept(s_tokenChars))
        {
            return false;
        }

        var value = text[(colon + 1)..];
        if (value.ContainsAnyExcept(s_valueChars))
        {
            return false;
        }

        var leading = value.Length - value.TrimStart(" \t"u8).Length;
        var trimmed = value.Trim(" \t"u8);
        var valueStart = start + colon + 1 + leading;
        line = new HeaderLine(new Range(start, start + colon), new Range(valueStart, valueStart + trimmed.Length), HeaderDisposition.Forward);
        return true;
    }

    /// <summary>Only <c>keep-alive</c> and <c>close</c>: any other token names a header to drop, which Kestrel's path handles.</summary>
    private static bool TryReadConnection(ReadOnlySpan<byte> value, DirectRequestHead head)
    {
        foreach (var range in value.Split((byte)','))
        {
            var token = value[range].Trim(" \t"u8);
            if (Ascii.EqualsIgnoreCase(token, "close"u8))
            {
                head.SetConnectionClose();
            }
            else if (!Ascii.EqualsIgnoreCase(token, "keep-alive"u8))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsOneOf(ReadOnlySpan<byte> name, byte[][] names)
    {
        foreach (var candidate in names)
        {
            if (candidate.Length == name.Length && Ascii.EqualsIgnoreCase(name, candidate))
            {
                return true;
            }
        }

        return false;
    }

    private static RequestParseStatus Decline(DirectRequestHead head, string reason)
    {
        head.Decline(reason);
        return RequestParseStatus.Declined;
    }
}
