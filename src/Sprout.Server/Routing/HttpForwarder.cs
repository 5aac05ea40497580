using System.Buffers;
using System.Net;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Sprout.Server.Routing.Forwarding;
using Sprout.Server.Routing.Upstream;

namespace Sprout.Server.Routing;

/// <summary>
/// Sends one client request to one instance and streams the answer back. Knows nothing about
/// environments or balancing: the caller picks the target. Failures come back as a
/// <see cref="ForwarderError"/>; before the response has started they become a page (502/504),
/// after it has started the client connection is aborted so a truncated body is never mistaken
/// for a complete one.
/// </summary>
internal sealed class HttpForwarder : IDisposable
{
    private const int ResponseBufferSize = 64 * 1024;
    private readonly HttpMessageInvoker _invoker;
    private readonly Http1Forwarder? _native;
    private readonly ForwardingFailures _failures;
    private readonly TimeSpan _timeout;
    private readonly TimeSpan _upgradedIdleTimeout;
    private readonly IReadOnlyList<IPNetwork> _trustedProxies;
    private readonly ILogger _logger;
    private readonly ConditionalWeakTable<RouteTarget, string> _targetPrefixes = [];

    /// <param name="invoker">The SocketsHttpHandler path: upgrades always, everything when <see cref="RouterOptions.Upstream"/> says so.</param>
    /// <param name="options">Timeouts, trusted proxies and the upstream client to use.</param>
    /// <param name="logger">Where forwarding failures are logged.</param>
    /// <param name="sockets">Creates the native client's instance sockets; null for .NET's.</param>
    public HttpForwarder(HttpMessageInvoker invoker, RouterOptions options, ILogger logger, Func<EndPoint, IUpstreamSocket>? sockets = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _invoker = invoker;
        _timeout = options.RequestTimeout;
        _upgradedIdleTimeout = options.UpgradedIdleTimeout;
        _trustedProxies = options.TrustedProxies;
        _logger = logger;
        _failures = new ForwardingFailures(options.RequestTimeout, logger);
        _native = options.Upstream == RouterUpstream.Native ? new Http1Forwarder(options, _failures, logger, sockets) : null;
    }

    /// <summary>Sprout's own HTTP/1.1 client, when <see cref="RouterOptions.Upstream"/> chose it.</summary>
    internal Http1Forwarder? Native => _native;

    /// <summary>Closes the native client's pooled connections (the invoker belongs to the caller).</summary>
    public void Dispose() => _native?.Dispose();

    /// <summary>
    /// Forwards <paramref name="context"/>'s request to <paramref name="target"/> and its answer back.
    /// </summary>
    /// <param name="context">The client's request; its response is written (or the connection aborted).</param>
    /// <param name="environmentName">Named in logs and error pages.</param>
    /// <param name="target">The instance chosen for this request.</param>
    /// <param name="closing">
    /// Fires when the instance is being drained: an upgraded connection (WebSocket) still open is then
    /// closed gracefully. Ordinary requests are left to finish.
    /// </param>
    /// <param name="retryable">
    /// True when the caller will try another target if this one refuses the connection: nothing reached the
    /// instance then, so no page is written and <see cref="ForwarderError.ConnectionRefused"/> comes back untouched.
    /// </param>
    public ValueTask<ForwardingResult> SendAsync(HttpContext context, string environmentName, RouteTarget target, CancellationToken closing, bool retryable = false)
    {
        var requestId = RequestIds.Assign(context);
        context.Response.Headers[RequestIds.HeaderName] = requestId;
        var upgrade = UpgradeOf(context);
        // Not awaited here: one async frame less between the socket and the exchange on every request.
        return _native is not null && upgrade is null
            ? _native.SendAsync(context, environmentName, target, requestId, retryable)
            : SendWithHandlerAsync(context, environmentName, target, requestId, upgrade, retryable, closing);
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<ForwardingResult> SendWithHandlerAsync(
        HttpContext context, string environmentName, RouteTarget target, string requestId, IHttpUpgradeFeature? upgrade, bool retryable, CancellationToken closing)
    {
        using var activity = new ActivityTimeout(_timeout, context.RequestAborted);
        using var request = CreateRequest(context, target, activity, requestId, upgrade);
        var content = request.Content as StreamingRequestContent;

        HttpResponseMessage response;
        try
        {
            response = await _invoker.SendAsync(request, activity.Token);
        }
        catch (Exception exception)
        {
            return new ForwardingResult(await ReportRequestFailureAsync(context, environmentName, target, activity, content, exception, retryable), content?.BytesSent ?? 0, 0);
        }

        using (response)
        {
            activity.Reset();
            context.Response.StatusCode = (int)response.StatusCode;
            HeaderRules.CopyResponseHeaders(response, context.Response);
            if (upgrade is not null && response.StatusCode == HttpStatusCode.SwitchingProtocols)
            {
                return new ForwardingResult(await BridgeUpgradeAsync(context, environmentName, target, upgrade, response, closing), 0, 0);
            }

            // Stream as the instance produces (server-sent events, long polls); never hold the body back.
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            var (error, responseBytes) = await CopyResponseBodyAsync(context, environmentName, target, activity, response);
            return new ForwardingResult(error, content?.BytesSent ?? 0, responseBytes);
        }
    }

    /// <summary>The upgrade feature when the client asks to switch protocols (WebSocket and the like), else null.</summary>
    private static IHttpUpgradeFeature? UpgradeOf(HttpContext context)
    {
        var feature = context.Features.Get<IHttpUpgradeFeature>();
        if (feature is not { IsUpgradableRequest: true })
        {
            return null;
        }

        // h2c is HTTP/2's own upgrade, meaningless towards an HTTP/1.1 instance and deprecated (RFC 9113 §3.1).
        var upgrade = context.Request.Headers.Upgrade;
        return upgrade.Count == 0 || upgrade.ToString().Equals("h2c", StringComparison.OrdinalIgnoreCase) ? null : feature;
    }

    private HttpRequestMessage CreateRequest(HttpContext context, RouteTarget target, ActivityTimeout activity, string requestId, IHttpUpgradeFeature? upgrade)
    {
        var incoming = context.Request;
        var request = new HttpRequestMessage(HttpMethod.Parse(incoming.Method), TargetUri(context, target))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        // Decide without touching the body: reading it early would send 100-continue, and a body-less
        // content on a GET would make the client send Transfer-Encoding: chunked. An upgrade request's
        // "body" is the upgraded connection itself.
        if (upgrade is null && (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true))
        {
            request.Content = new StreamingRequestContent(incoming.Body, activity);
        }
        else if (incoming.ContentType is not null)
        {
            request.Content = new ByteArrayContent([]);
        }

        var incomingHeaders = incoming.Headers;
        HeaderRules.CopyRequestHeaders(incomingHeaders, request);
        var headers = request.Headers;
        var host = incomingHeaders.Host;
        if (host.Count > 0)
        {
            headers.TryAddWithoutValidation("Host", host.ToString());
        }

        var peer = context.Connection.RemoteIpAddress;
        HeaderRules.SetForwardedHeaders(
            incomingHeaders, headers, peer, incoming.Scheme, context.Connection.LocalPort, ProxyNetworks.Contains(_trustedProxies, peer));
        headers.TryAddWithoutValidation(RequestIds.HeaderName, requestId);
        if (upgrade is not null)
        {
            // Both are hop-by-hop and were stripped; an upgrade is the one case where this hop needs them.
            headers.TryAddWithoutValidation("Connection", "Upgrade");
            headers.TryAddWithoutValidation("Upgrade", incomingHeaders.Upgrade.ToString());
        }

        return request;
    }

    private Uri TargetUri(HttpContext context, RouteTarget target)
    {
        // The raw target keeps the client's exact encoding (%2F stays %2F); absolute-form requests
        // fall back to the decoded path re-encoded.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget) || rawTarget[0] != '/')
        {
            rawTarget = context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent();
        }

        var prefix = _targetPrefixes.GetValue(target, static target =>
        {
            var host = target.Host.Contains(':', StringComparison.Ordinal) && !target.Host.StartsWith('[') ? $"[{target.Host}]" : target.Host;
            return $"http://{host}:{target.Port}";
        });
        return new Uri(string.Concat(prefix, rawTarget));
    }

    private async Task<ForwarderError> BridgeUpgradeAsync(
        HttpContext context, string environmentName, RouteTarget target, IHttpUpgradeFeature upgrade, HttpResponseMessage response, CancellationToken closing)
    {
        var protocol = response.Headers.NonValidated.TryGetValues("Upgrade", out var upgradeValues) ? upgradeValues.ToString() : string.Empty;
        if (protocol.Length > 0)
        {
            context.Response.Headers.Upgrade = protocol;
        }

        Stream instance;
        Stream client;
        try
        {
            instance = await response.Content.ReadAsStreamAsync(context.RequestAborted);
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or OperationCanceledException)
        {
            RouterLog.InstanceFailed(_logger, environmentName, target.InstanceId, ForwarderError.UpgradeDestination, exception);
            context.Abort();
            return ForwarderError.UpgradeDestination;
        }

        try
        {
            client = await upgrade.UpgradeAsync();
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException or InvalidOperationException)
        {
            RouterLog.ClientFailed(_logger, environmentName, target.InstanceId, ForwarderError.UpgradeClient, exception);
            await instance.DisposeAsync();
            return ForwarderError.UpgradeClient;
        }

        await using (instance)
        {
            var webSocket = protocol.Equals("websocket", StringComparison.OrdinalIgnoreCase);
            var error = await UpgradedConnection.BridgeAsync(client, instance, webSocket, _upgradedIdleTimeout, closing, context.RequestAborted);
            if (error == ForwarderError.UpgradeDestination)
            {
                RouterLog.InstanceFailed(_logger, environmentName, target.InstanceId, error, null);
            }
            else if (error != ForwarderError.None)
            {
                RouterLog.ClientFailed(_logger, environmentName, target.InstanceId, error, null);
            }

            return error;
        }
    }

    private async Task<ForwarderError> ReportRequestFailureAsync(
        HttpContext context, string environmentName, RouteTarget target, ActivityTimeout activity, StreamingRequestContent? content, Exception exception, bool retryable)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            return _failures.Canceled(environmentName, target, exception);
        }

        if (content?.Failure == ForwarderError.RequestBodyClient && !activity.TimedOut)
        {
            return await _failures.RequestBodyClientAsync(context, environmentName, target, content.FailureException);
        }

        if (activity.TimedOut)
        {
            return await _failures.TimedOutAsync(context, environmentName, target);
        }

        var error = content?.Failure == ForwarderError.RequestBodyDestination ? ForwarderError.RequestBodyDestination
            : IsConnectionRefused(exception) ? ForwarderError.ConnectionRefused
            : ForwarderError.Request;
        return await _failures.InstanceFailedAsync(context, environmentName, target, error, exception, leaveRefusedToCaller: retryable && content is not { BytesSent: > 0 });
    }

    private async Task<(ForwarderError Error, long Bytes)> CopyResponseBodyAsync(
        HttpContext context, string environmentName, RouteTarget target, ActivityTimeout activity, HttpResponseMessage response)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ResponseBufferSize);
        long copied = 0;
        try
        {
            var source = await response.Content.ReadAsStreamAsync(activity.Token);
            var destination = context.Response.BodyWriter;
            while (true)
            {
                int read;
                try
                {
                    read = await source.ReadAsync(buffer, activity.Token);
                }
                catch (Exception exception)
                {
                    var error = context.RequestAborted.IsCancellationRequested ? ForwarderError.ResponseBodyClient
                        : activity.TimedOut ? ForwarderError.ResponseBodyTimedOut
                        : ForwarderError.ResponseBodyDestination;
                    return (await ReportResponseBodyFailureAsync(context, environmentName, target, error, exception), copied);
                }

                if (read == 0)
                {
                    return (ForwarderError.None, copied);
                }

                activity.Reset();
                copied += read;
                try
                {
                    var flush = await destination.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                    if (flush.IsCanceled || flush.IsCompleted)
                    {
                        return (await ReportResponseBodyFailureAsync(context, environmentName, target, ForwarderError.ResponseBodyClient, null), copied);
                    }
                }
                catch (Exception exception)
                {
                    return (await ReportResponseBodyFailureAsync(context, environmentName, target, ForwarderError.ResponseBodyClient, exception), copied);
                }

                activity.Reset();
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or OperationCanceledException)
        {
            // ReadAsStreamAsync failed: nothing has been sent yet.
            var error = context.RequestAborted.IsCancellationRequested ? ForwarderError.ResponseBodyClient : ForwarderError.ResponseBodyDestination;
            return (await ReportResponseBodyFailureAsync(context, environmentName, target, error, exception), copied);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Task<ForwarderError> ReportResponseBodyFailureAsync(
        HttpContext context, string environmentName, RouteTarget target, ForwarderError error, Exception? exception)
        => _failures.ResponseBodyAsync(context, environmentName, target, error, exception);

    private static bool IsConnectionRefused(Exception exception)
    {
        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is System.Net.Sockets.SocketException { SocketErrorCode: System.Net.Sockets.SocketError.ConnectionRefused })
            {
                return true;
            }
        }

        return false;
    }
}
