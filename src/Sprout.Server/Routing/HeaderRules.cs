using System.Collections.Frozen;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Sprout.Server.Routing.Forwarding;

namespace Sprout.Server.Routing;

/// <summary>Which headers cross the proxy, in each direction (RFC 9110 §7.6.1), and the ones the router adds.</summary>
internal static class HeaderRules
{
    public const string XForwardedFor = "X-Forwarded-For";
    public const string XForwardedProto = "X-Forwarded-Proto";
    public const string XForwardedHost = "X-Forwarded-Host";
    public const string XForwardedPort = "X-Forwarded-Port";

    private static readonly string[] s_hopByHop =
    [
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    ];

    // Hop-by-hop, plus what the router sets itself: Host is copied explicitly, the forwarding headers and
    // the request id are decided by SetForwardedHeaders/RequestIds. Expect is answered by Kestrel towards
    // the client; forwarding it would make the instance wait for a second 100-continue.
    private static readonly FrozenSet<string> s_notCopiedOnRequest = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        [.. s_hopByHop, "Host", XForwardedFor, XForwardedProto, XForwardedHost, XForwardedPort, RequestIds.HeaderName, "Expect"]);

    // The router's request id wins over anything the instance echoes.
    private static readonly FrozenSet<string> s_notCopiedOnResponse = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase, [.. s_hopByHop, RequestIds.HeaderName]);

    private static readonly byte[][] s_notCopiedOnResponseAscii = [.. s_notCopiedOnResponse.Select(System.Text.Encoding.ASCII.GetBytes)];

    private static PortText? s_portText;

    /// <summary>Copies the end-to-end request headers; content headers go on <paramref name="destination"/>'s content if it has one.</summary>
    public static void CopyRequestHeaders(IHeaderDictionary source, HttpRequestMessage destination)
    {
        var connectionTokens = ParseConnectionTokens(source.Connection);
        // A chunked body was de-chunked by Kestrel; a Content-Length sent alongside it describes nothing
        // we forward and is the classic request-smuggling lever (RFC 9112 §6.3).
        var chunked = source.TransferEncoding.Count > 0;
        var headers = destination.Headers;
        foreach (var (name, values) in source)
        {
            if (!IsCopiedOnRequest(name, connectionTokens, chunked))
            {
                continue;
            }

            if (values.Count == 1)
            {
                AddRequestHeader(destination, headers, name, values.ToString());
                continue;
            }

            foreach (var value in values)
            {
                AddRequestHeader(destination, headers, name, value);
            }
        }
    }

    /// <summary>
    /// Whether a client request header crosses to the instance as it is.
    /// </summary>
    /// <param name="name">The header's name.</param>
    /// <param name="connectionTokens">What <see cref="ConnectionTokens"/> found in the request's <c>Connection</c> header.</param>
    /// <param name="chunked">The request came with <c>Transfer-Encoding</c>, so its <c>Content-Length</c> describes nothing we forward.</param>
    public static bool IsCopiedOnRequest(string name, string[]? connectionTokens, bool chunked)
        => !(s_notCopiedOnRequest.Contains(name) || name.StartsWith(':') || IsListed(connectionTokens, name)
            || chunked && name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase));

    /// <summary>The header names listed in a <c>Connection</c> header (hop-by-hop by declaration), or null for none.</summary>
    public static string[]? ConnectionTokens(StringValues connection) => ParseConnectionTokens(connection);

    /// <summary>Whether an instance's response header (name as raw bytes) stops at the router: hop-by-hop, or the router's own request id.</summary>
    public static bool IsDroppedOnResponse(ReadOnlySpan<byte> name)
    {
        foreach (var dropped in s_notCopiedOnResponseAscii)
        {
            if (dropped.Length == name.Length && System.Text.Ascii.EqualsIgnoreCase(name, dropped))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether <paramref name="name"/> (raw bytes) is one of <paramref name="tokens"/> from a <c>Connection</c> header.</summary>
    public static bool IsListed(string[]? tokens, ReadOnlySpan<byte> name)
    {
        if (tokens is null)
        {
            return false;
        }

        foreach (var token in tokens)
        {
            if (token.Length == name.Length && System.Text.Ascii.EqualsIgnoreCase(name, token))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Sets <c>X-Forwarded-For/Proto/Host/Port</c>. From a trusted peer, its <c>X-Forwarded-For</c> is
    /// appended to and its other three values kept when present; from anyone else all four are ours.
    /// </summary>
    /// <param name="incoming">The client's request headers.</param>
    /// <param name="outgoing">The headers sent to the instance (must not carry these four yet).</param>
    /// <param name="peer">The address the connection came from; null when unknown.</param>
    /// <param name="scheme">The scheme the router was reached with (<c>http</c>).</param>
    /// <param name="localPort">The router port the connection arrived on.</param>
    /// <param name="peerTrusted">Whether <paramref name="peer"/> is one of <see cref="RouterOptions.TrustedProxies"/>.</param>
    public static void SetForwardedHeaders(IHeaderDictionary incoming, HttpRequestHeaders outgoing, IPAddress? peer, string scheme, int localPort, bool peerTrusted)
    {
        var sink = new RequestHeadersSink(outgoing);
        SetForwardedHeaders(incoming, ref sink, peer, scheme, localPort, peerTrusted);
    }

    /// <summary>As above, into any <see cref="IHeaderSink"/> (the native upstream client writes them straight into the request head).</summary>
    public static void SetForwardedHeaders<TSink>(IHeaderDictionary incoming, ref TSink outgoing, IPAddress? peer, string scheme, int localPort, bool peerTrusted)
        where TSink : struct, IHeaderSink
    {
        var client = peer is null ? null : (peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer).ToString();
        var forwardedFor = peerTrusted ? incoming[XForwardedFor] : default;
        if (forwardedFor.Count == 0)
        {
            if (client is not null)
            {
                outgoing.Add(XForwardedFor, client);
            }
        }
        else
        {
            var chain = forwardedFor.Count == 1 ? forwardedFor.ToString() : string.Join(", ", (IEnumerable<string?>)forwardedFor);
            outgoing.Add(XForwardedFor, client is null ? chain : string.Concat(chain, ", ", client));
        }

        SetUnlessTrusted(incoming, ref outgoing, XForwardedProto, scheme, peerTrusted);
        var host = incoming.Host;
        if (peerTrusted && incoming[XForwardedHost].Count > 0)
        {
            AddAll(ref outgoing, XForwardedHost, incoming[XForwardedHost]);
        }
        else if (host.Count > 0)
        {
            outgoing.Add(XForwardedHost, host.ToString());
        }

        SetUnlessTrusted(incoming, ref outgoing, XForwardedPort, PortString(localPort), peerTrusted);
    }

    public static void CopyResponseHeaders(HttpResponseMessage source, HttpResponse destination)
    {
        string[]? connectionTokens = null;
        if (source.Headers.NonValidated.TryGetValues("Connection", out var connection))
        {
            connectionTokens = connection.Count == 1 ? ParseConnectionTokens(connection.ToString()) : ParseConnectionTokens(new StringValues([.. connection]));
        }

        var statusForbidsContentLength = destination.StatusCode is < 200 or 204;
        CopyResponseHeaders(source.Headers, destination.Headers, connectionTokens, statusForbidsContentLength);
        CopyResponseHeaders(source.Content.Headers, destination.Headers, connectionTokens, statusForbidsContentLength);
    }

    private static void CopyResponseHeaders(HttpHeaders source, IHeaderDictionary destination, string[]? connectionTokens, bool statusForbidsContentLength)
    {
        foreach (var (name, values) in source.NonValidated)
        {
            if (s_notCopiedOnResponse.Contains(name) || IsListed(connectionTokens, name)
                || statusForbidsContentLength && name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            destination.Append(name, values.Count == 1 ? new StringValues(values.ToString()) : new StringValues([.. values]));
        }
    }

    private static void AddRequestHeader(HttpRequestMessage destination, HttpRequestHeaders headers, string name, string? value)
    {
        if (!headers.TryAddWithoutValidation(name, value))
        {
            // Content-* and friends live on HttpContent; without a body there is nowhere to put them.
            destination.Content?.Headers.TryAddWithoutValidation(name, value);
        }
    }

    private static void SetUnlessTrusted<TSink>(IHeaderDictionary incoming, ref TSink outgoing, string name, string ours, bool peerTrusted)
        where TSink : struct, IHeaderSink
    {
        var theirs = peerTrusted ? incoming[name] : default;
        if (theirs.Count > 0)
        {
            AddAll(ref outgoing, name, theirs);
        }
        else
        {
            outgoing.Add(name, ours);
        }
    }

    private static void AddAll<TSink>(ref TSink outgoing, string name, StringValues values)
        where TSink : struct, IHeaderSink
    {
        foreach (var value in values)
        {
            outgoing.Add(name, value ?? string.Empty);
        }
    }

    private static string PortString(int port)
    {
        // One router listens on one or two ports: remember the last text instead of formatting per request.
        var cached = s_portText;
        if (cached is not null && cached.Port == port)
        {
            return cached.Text;
        }

        var text = port.ToString(CultureInfo.InvariantCulture);
        s_portText = new PortText(port, text);
        return text;
    }

    /// <summary>The header names a sender listed in Connection, which are meant for this hop only.</summary>
    private static string[]? ParseConnectionTokens(StringValues connection)
    {
        if (connection.Count == 0)
        {
            return null;
        }

        // The usual values name no header; don't allocate for them.
        if (connection.Count == 1 && IsPlainConnectionOption(connection.ToString()))
        {
            return null;
        }

        var tokens = new List<string>();
        foreach (var value in connection)
        {
            foreach (var token in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                tokens.Add(token);
            }
        }

        return tokens.Count == 0 ? null : [.. tokens];
    }

    private static bool IsPlainConnectionOption(string value)
        => value.Equals("keep-alive", StringComparison.OrdinalIgnoreCase)
            || value.Equals("close", StringComparison.OrdinalIgnoreCase)
            || value.Equals("upgrade", StringComparison.OrdinalIgnoreCase);

    private static bool IsListed(string[]? tokens, string name)
    {
        if (tokens is null)
        {
            return false;
        }

        foreach (var token in tokens)
        {
            if (token.Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    private sealed record PortText(int Port, string Text);

    /// <summary>Somewhere request headers go: an <see cref="HttpRequestHeaders"/>, or a request head being written.</summary>
    internal interface IHeaderSink
    {
        void Add(string name, string value);
    }

    private readonly struct RequestHeadersSink(HttpRequestHeaders headers) : IHeaderSink
    {
        public void Add(string name, string value) => headers.TryAddWithoutValidation(name, value);
    }
}
