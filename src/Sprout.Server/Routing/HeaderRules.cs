using System.Collections.Frozen;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Sprout.Server.Routing;

/// <summary>Which headers cross the proxy, in each direction (RFC 9110 §7.6.1).</summary>
internal static class HeaderRules
{
    private static readonly FrozenSet<string> s_hopByHop = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization",
        "TE", "Trailer", "Transfer-Encoding", "Upgrade");

    // Set by the router itself; the incoming values are replaced (X-Forwarded-For is appended to separately).
    // Expect is answered by Kestrel towards the client; forwarding it would make the instance wait for a second 100-continue.
    private static readonly FrozenSet<string> s_setByRouter = FrozenSet.Create(
        StringComparer.OrdinalIgnoreCase,
        "Host", "X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port", "Expect");

    public static void CopyRequestHeaders(IHeaderDictionary source, HttpRequestMessage destination)
    {
        var connectionTokens = ParseConnectionTokens(source.Connection);
        // A chunked body was de-chunked by Kestrel; a Content-Length sent alongside it describes nothing
        // we forward and is the classic request-smuggling lever (RFC 9112 §6.3).
        var chunked = source.TransferEncoding.Count > 0;
        foreach (var (name, values) in source)
        {
            if (s_hopByHop.Contains(name) || s_setByRouter.Contains(name) || name.StartsWith(':') || IsListed(connectionTokens, name)
                || chunked && name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (!destination.Headers.TryAddWithoutValidation(name, value))
                {
                    // Content-* and friends live on HttpContent; without a body there is nowhere to put them.
                    destination.Content?.Headers.TryAddWithoutValidation(name, value);
                }
            }
        }
    }

    public static void CopyResponseHeaders(HttpResponseMessage source, HttpResponse destination)
    {
        string[]? connectionTokens = null;
        if (source.Headers.NonValidated.TryGetValues("Connection", out var connection))
        {
            connectionTokens = ParseConnectionTokens(new StringValues([.. connection]));
        }

        var statusForbidsContentLength = destination.StatusCode is < 200 or 204;
        CopyResponseHeaders(source.Headers, destination.Headers, connectionTokens, statusForbidsContentLength);
        CopyResponseHeaders(source.Content.Headers, destination.Headers, connectionTokens, statusForbidsContentLength);
    }

    private static void CopyResponseHeaders(HttpHeaders source, IHeaderDictionary destination, string[]? connectionTokens, bool statusForbidsContentLength)
    {
        foreach (var (name, values) in source.NonValidated)
        {
            if (s_hopByHop.Contains(name) || IsListed(connectionTokens, name)
                || statusForbidsContentLength && name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            destination.Append(name, values.Count == 1 ? new StringValues(values.ToString()) : new StringValues([.. values]));
        }
    }

    /// <summary>The header names a sender listed in Connection, which are meant for this hop only.</summary>
    private static string[]? ParseConnectionTokens(StringValues connection)
    {
        if (connection.Count == 0)
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
}
