using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Sprout.Server.Routing.Upstream;

/// <summary>How far parsing a response head got.</summary>
internal enum HeadParseStatus
{
    /// <summary>The blank line ending the head has not arrived yet; read more.</summary>
    Incomplete,

    /// <summary>The head is parsed; <see cref="Http1ResponseHead.Length"/> bytes of the buffer were it.</summary>
    Complete,

    /// <summary>Not a response head we accept; <see cref="Http1ResponseHead.Invalid"/> says why.</summary>
    Invalid,
}

/// <summary>
/// Parses an HTTP/1.x response head (RFC 9112 §4–5) from bytes. Strict where leniency would let an
/// instance smuggle or confuse: CRLF line ends only, no obsolete line folding, no whitespace before
/// the colon, token characters in names, no control characters in values, one Content-Length.
/// </summary>
internal static class Http1ResponseParser
{
    private static readonly SearchValues<byte> s_tokenChars = SearchValues.Create(
        "!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"u8);

    /// <summary>
    /// Parses the head at the start of <paramref name="buffer"/> into <paramref name="head"/> (reset first).
    /// Header offsets are relative to <paramref name="buffer"/>'s start.
    /// </summary>
    public static HeadParseStatus TryParse(ReadOnlySpan<byte> buffer, Http1ResponseHead head)
    {
        head.Reset();
        var end = buffer.IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            if (buffer.Length >= Http1ResponseHead.MaxLength)
            {
                head.Reject("response head too large");
                return HeadParseStatus.Invalid;
            }

            // A bare LF anywhere already decides the matter; don't wait for more bytes to say no.
            return HasBareLineFeed(buffer) ? Reject(head, "bare LF in response head") : HeadParseStatus.Incomplete;
        }

        if (end + 4 > Http1ResponseHead.MaxLength)
        {
            return Reject(head, "response head too large");
        }

        var lineEnd = buffer[..end].IndexOf("\r\n"u8);
        var statusLine = lineEnd < 0 ? buffer[..end] : buffer[..lineEnd];
        if (!TryParseStatusLine(statusLine, head))
        {
            return Reject(head, "malformed status line");
        }

        var position = lineEnd < 0 ? end : lineEnd + 2;
        while (position < end)
        {
            var rest = buffer[position..end];
            var length = rest.IndexOf("\r\n"u8);
            if (length < 0)
            {
                length = rest.Length;
            }

            var reason = ParseHeaderLine(buffer, position, length, head);
            if (reason is not null)
            {
                return Reject(head, reason);
            }

            position += length + 2;
        }

        head.Complete(end + 4);
        return HeadParseStatus.Complete;
    }

    private static bool TryParseStatusLine(ReadOnlySpan<byte> line, Http1ResponseHead head)
    {
        // "HTTP/1.1 200" then optionally " reason".
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || line[8] != (byte)' ' || (line.Length > 12 && line[12] != (byte)' '))
        {
            return false;
        }

        var minor = line[7];
        if (minor is not ((byte)'0' or (byte)'1'))
        {
            return false;
        }

        var code = 0;
        for (var i = 9; i < 12; i++)
        {
            var digit = line[i] - '0';
            if (digit is < 0 or > 9)
            {
                return false;
            }

            code = code * 10 + digit;
        }

        if (code < 100 || HasControlCharacter(line[12..]))
        {
            return false;
        }

        head.SetStatus(code, minor == (byte)'0');
        return true;
    }

    /// <summary>Parses one header line; returns why it is rejected, or null.</summary>
    private static string? ParseHeaderLine(ReadOnlySpan<byte> buffer, int start, int length, Http1ResponseHead head)
    {
        var line = buffer.Slice(start, length);
        if (line.Length == 0 || line[0] is (byte)' ' or (byte)'\t')
        {
            return "obsolete line folding in response head";
        }

        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            return "header line without a name";
        }

        var name = line[..colon];
        if (name.ContainsAnyExcept(s_tokenChars))
        {
            return "invalid character in a header name";
        }

        var valueStart = colon + 1;
        var valueEnd = line.Length;
        while (valueStart < valueEnd && line[valueStart] is (byte)' ' or (byte)'\t')
        {
            valueStart++;
        }

        while (valueEnd > valueStart && line[valueEnd - 1] is (byte)' ' or (byte)'\t')
        {
            valueEnd--;
        }

        var value = line[valueStart..valueEnd];
        if (HasControlCharacter(value))
        {
            return "control character in a header value";
        }

        if (!head.AddHeader(new Http1ResponseHead.HeaderLine(start, colon, start + valueStart, value.Length)))
        {
            return "too many headers";
        }

        return Framing(name, value, head);
    }

    private static string? Framing(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, Http1ResponseHead head)
    {
        if (Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
        {
            return TryParseContentLength(value, out var length) && head.SetContentLength(length) ? null : "invalid or conflicting Content-Length";
        }

        if (Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
        {
            var last = value;
            var comma = value.LastIndexOf((byte)',');
            if (comma >= 0)
            {
                last = value[(comma + 1)..];
            }

            head.SetTransferEncoding(Ascii.EqualsIgnoreCase(last.Trim(" \t"u8), "chunked"u8));
            return null;
        }

        if (Ascii.EqualsIgnoreCase(name, "Connection"u8) && HasToken(value, "close"u8))
        {
            head.SetConnectionClose();
        }

        return null;
    }

    /// <summary>Digits only, or a list of one value repeated ("5, 5"), which RFC 9110 §8.6 lets a recipient accept.</summary>
    internal static bool TryParseContentLength(ReadOnlySpan<byte> value, out long length)
    {
        length = -1;
        foreach (var range in value.Split((byte)','))
        {
            var part = value[range].Trim(" \t"u8);
            if (part.Length is 0 or > 18 || part.ContainsAnyExceptInRange((byte)'0', (byte)'9')
                || !Utf8Parser.TryParse(part, out long parsed, out var consumed) || consumed != part.Length
                || (length >= 0 && parsed != length))
            {
                return false;
            }

            length = parsed;
        }

        return length >= 0;
    }

    internal static bool HasToken(ReadOnlySpan<byte> list, ReadOnlySpan<byte> token)
    {
        foreach (var range in list.Split((byte)','))
        {
            if (Ascii.EqualsIgnoreCase(list[range].Trim(" \t"u8), token))
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasControlCharacter(ReadOnlySpan<byte> value)
    {
        foreach (var b in value)
        {
            if ((b < 0x20 && b != (byte)'\t') || b == 0x7F)
            {
                return true;
            }
        }

        return false;
    }

    private static bool HasBareLineFeed(ReadOnlySpan<byte> buffer)
    {
        for (var i = buffer.IndexOf((byte)'\n'); i >= 0; )
        {
            if (i == 0 || buffer[i - 1] != (byte)'\r')
            {
                return true;
            }

            var next = buffer[(i + 1)..].IndexOf((byte)'\n');
            i = next < 0 ? -1 : i + 1 + next;
        }

        return false;
    }

    private static HeadParseStatus Reject(Http1ResponseHead head, string reason)
    {
        head.Reject(reason);
        return HeadParseStatus.Invalid;
    }
}
