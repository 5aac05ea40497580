using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Sprout.Server.Routing.Forwarding;

namespace Sprout.Server.Routing.Upstream;

/// <summary>
/// Sprout's own HTTP/1.1 client for the common case (everything but protocol upgrades): the request
/// head is written straight from Kestrel's headers into a pooled buffer, the response head parsed
/// straight into Kestrel's response, bodies streamed with pooled buffers over keep-alive connections
/// from <see cref="UpstreamPool"/>. No HttpRequestMessage, no Uri, no timer per request.
/// </summary>
internal sealed class Http1Forwarder : IDisposable
{
    /// <summary>How long connecting may take (SocketsHttpHandler's ConnectTimeout on the other path).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    private readonly UpstreamPool _pool;
    private readonly IReadOnlyList<IPNetwork> _trustedProxies;

    public Http1Forwarder(RouterOptions options, ForwardingFailures failures, ILogger logger, Func<System.Net.EndPoint, IUpstreamSocket>? sockets = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Timeout = options.RequestTimeout;
        _trustedProxies = options.TrustedProxies;
        Failures = failures;
        Logger = logger;
        _pool = new UpstreamPool(Timeout < ConnectTimeout ? Timeout : ConnectTimeout, sockets);
    }

    public TimeSpan Timeout { get; }

    public ForwardingFailures Failures { get; }

    public ILogger Logger { get; }

    /// <summary>The keep-alive connections to instances, shared with the direct client path.</summary>
    internal UpstreamPool Pool => _pool;

    /// <summary>Forwards an ordinary (not upgrading) request; see <see cref="HttpForwarder.SendAsync"/> for the contract.</summary>
    public ValueTask<ForwardingResult> SendAsync(HttpContext context, string environmentName, RouteTarget target, string requestId, bool retryable)
    {
        var endpoint = _pool.EndpointOf(target);
        var canHaveBody = context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        var exchange = new Http1Exchange(this, context, environmentName, target, endpoint, canHaveBody, retryable);
        return exchange.RunAsync(requestId);
    }

    /// <summary>Writes the request line and headers for <paramref name="context"/>'s request.</summary>
    /// <returns>Whether the body goes chunked (its length is unknown).</returns>
    internal bool WriteHead(HttpContext context, UpstreamEndpoint endpoint, string requestId, bool canHaveBody, RequestHeadBuilder head)
    {
        var request = context.Request;
        head.Write(request.Method);
        head.Write(" "u8);
        // The raw target keeps the client's exact encoding (%2F stays %2F); other forms are rebuilt from the decoded path.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget) || rawTarget[0] != '/')
        {
            var path = request.Path.ToUriComponent();
            head.Write(path.Length == 0 ? "/" : path);
            head.Write(request.QueryString.ToUriComponent());
        }
        else
        {
            head.Write(rawTarget);
        }

        head.Write(" HTTP/1.1\r\nHost: "u8);
        var headers = request.Headers;
        var host = headers.Host;
        head.Write(host.Count > 0 ? host.ToString() : endpoint.Authority);
        head.Write("\r\n"u8);

        var connectionTokens = HeaderRules.ConnectionTokens(headers.Connection);
        var clientChunked = headers.TransferEncoding.Count > 0;
        var hasLength = false;
        foreach (var (name, values) in headers)
        {
            if (!HeaderRules.IsCopiedOnRequest(name, connectionTokens, clientChunked))
            {
                continue;
            }

            hasLength |= name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase);
            head.Write(name);
            head.Write(": "u8);
            WriteValues(head, name, values);
            head.Write("\r\n"u8);
        }

        var peer = context.Connection.RemoteIpAddress;
        var sink = new HeadSink(head);
        HeaderRules.SetForwardedHeaders(headers, ref sink, peer, request.Scheme, context.Connection.LocalPort, ProxyNetworks.Contains(_trustedProxies, peer));
        head.Header(RequestIds.HeaderName, requestId);
        var chunked = canHaveBody && !hasLength;
        if (chunked)
        {
            head.Write("Transfer-Encoding: chunked\r\n"u8);
        }

        head.Write("\r\n"u8);
        return chunked;
    }

    public void Dispose() => _pool.Dispose();

    private static void WriteValues(RequestHeadBuilder head, string name, Microsoft.Extensions.Primitives.StringValues values)
    {
        if (values.Count == 1)
        {
            head.Write(values.ToString());
            return;
        }

        // One line per name; cookies are joined the way a single Cookie header carries them (RFC 6265 §5.4).
        var separator = name.Equals("Cookie", StringComparison.OrdinalIgnoreCase) ? "; "u8 : ", "u8;
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                head.Write(separator);
            }

            head.Write(values[i]);
        }
    }

    private readonly struct HeadSink(RequestHeadBuilder head) : HeaderRules.IHeaderSink
    {
        public void Add(string name, string value) => head.Header(name, value);
    }
}
