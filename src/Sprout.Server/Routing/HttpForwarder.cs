using System.Buffers;
using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Sprout.Server.Routing;

/// <summary>
/// Sends one client request to one instance and streams the answer back. Knows nothing about
/// environments or balancing: the caller picks the target. Failures come back as a
/// <see cref="ForwarderError"/>; before the response has started they become a page (502/504),
/// after it has started the client connection is aborted so a truncated body is never mistaken
/// for a complete one.
/// </summary>
internal sealed class HttpForwarder
{
    private const int ResponseBufferSize = 64 * 1024;
    private readonly HttpMessageInvoker _invoker;
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;

    public HttpForwarder(HttpMessageInvoker invoker, TimeSpan timeout, ILogger logger)
    {
        _invoker = invoker;
        _timeout = timeout;
        _logger = logger;
    }

    public async ValueTask<ForwarderError> SendAsync(HttpContext context, string environmentName, RouteTarget target)
    {
        using var activity = new ActivityTimeout(_timeout, context.RequestAborted);
        using var request = CreateRequest(context, target, activity);
        var content = request.Content as StreamingRequestContent;

        HttpResponseMessage response;
        try
        {
            response = await _invoker.SendAsync(request, activity.Token);
        }
        catch (Exception exception)
        {
            return await ReportRequestFailureAsync(context, environmentName, target, activity, content, exception);
        }

        using (response)
        {
            activity.Reset();
            context.Response.StatusCode = (int)response.StatusCode;
            HeaderRules.CopyResponseHeaders(response, context.Response);
            // Stream as the instance produces (server-sent events, long polls); never hold the body back.
            context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            return await CopyResponseBodyAsync(context, environmentName, target, activity, response);
        }
    }

    private static HttpRequestMessage CreateRequest(HttpContext context, RouteTarget target, ActivityTimeout activity)
    {
        var incoming = context.Request;
        var request = new HttpRequestMessage(HttpMethod.Parse(incoming.Method), TargetUri(context, target))
        {
            Version = HttpVersion.Version11,
            VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
        };

        // Decide without touching the body: reading it early would send 100-continue, and a body-less
        // content on a GET would make the client send Transfer-Encoding: chunked.
        if (context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true)
        {
            request.Content = new StreamingRequestContent(incoming.Body, activity);
        }
        else if (incoming.ContentType is not null)
        {
            request.Content = new ByteArrayContent([]);
        }

        HeaderRules.CopyRequestHeaders(incoming.Headers, request);

        var originalHost = incoming.Headers.Host.ToString();
        request.Headers.Host = originalHost;
        var clientAddress = context.Connection.RemoteIpAddress;
        var forwardedFor = incoming.Headers["X-Forwarded-For"];
        if (clientAddress is not null)
        {
            var client = (clientAddress.IsIPv4MappedToIPv6 ? clientAddress.MapToIPv4() : clientAddress).ToString();
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor.Count == 0 ? client : $"{string.Join(", ", forwardedFor.ToArray())}, {client}");
        }
        else if (forwardedFor.Count > 0)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", string.Join(", ", forwardedFor.ToArray()));
        }

        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", incoming.Scheme);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", originalHost);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Port", context.Connection.LocalPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return request;
    }

    private static Uri TargetUri(HttpContext context, RouteTarget target)
    {
        // The raw target keeps the client's exact encoding (%2F stays %2F); absolute-form requests
        // fall back to the decoded path re-encoded.
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget) || rawTarget[0] != '/')
        {
            rawTarget = context.Request.Path.ToUriComponent() + context.Request.QueryString.ToUriComponent();
        }

        var host = target.Host.Contains(':', StringComparison.Ordinal) && !target.Host.StartsWith('[') ? $"[{target.Host}]" : target.Host;
        return new Uri($"http://{host}:{target.Port}{rawTarget}");
    }

    private async Task<ForwarderError> ReportRequestFailureAsync(
        HttpContext context, string environmentName, RouteTarget target, ActivityTimeout activity, StreamingRequestContent? content, Exception exception)
    {
        if (context.RequestAborted.IsCancellationRequested)
        {
            RouterLog.ClientFailed(_logger, environmentName, target.InstanceId, ForwarderError.RequestCanceled, exception);
            return ForwarderError.RequestCanceled;
        }

        if (content?.Failure == ForwarderError.RequestBodyClient && !activity.TimedOut)
        {
            RouterLog.ClientFailed(_logger, environmentName, target.InstanceId, ForwarderError.RequestBodyClient, content.FailureException);
            var status = content.FailureException is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
            await TryWritePageAsync(context, () => RouterPages.WriteStatusAsync(context, status, ReasonPhrase(status)));
            return ForwarderError.RequestBodyClient;
        }

        if (activity.TimedOut)
        {
            RouterLog.InstanceFailed(_logger, environmentName, target.InstanceId, ForwarderError.RequestTimedOut, null);
            await TryWritePageAsync(context, () => RouterPages.WriteGatewayTimeoutAsync(context, environmentName, target.InstanceId, _timeout));
            return ForwarderError.RequestTimedOut;
        }

        var error = content?.Failure == ForwarderError.RequestBodyDestination ? ForwarderError.RequestBodyDestination : ForwarderError.Request;
        RouterLog.InstanceFailed(_logger, environmentName, target.InstanceId, error, exception);
        await TryWritePageAsync(context, () => RouterPages.WriteBadGatewayAsync(context, environmentName, target.InstanceId));
        return error;
    }

    private async Task<ForwarderError> CopyResponseBodyAsync(
        HttpContext context, string environmentName, RouteTarget target, ActivityTimeout activity, HttpResponseMessage response)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ResponseBufferSize);
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
                    return await ReportResponseBodyFailureAsync(context, environmentName, target, error, exception);
                }

                if (read == 0)
                {
                    return ForwarderError.None;
                }

                activity.Reset();
                try
                {
                    var flush = await destination.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                    if (flush.IsCanceled || flush.IsCompleted)
                    {
                        return await ReportResponseBodyFailureAsync(context, environmentName, target, ForwarderError.ResponseBodyClient, null);
                    }
                }
                catch (Exception exception)
                {
                    return await ReportResponseBodyFailureAsync(context, environmentName, target, ForwarderError.ResponseBodyClient, exception);
                }

                activity.Reset();
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException or OperationCanceledException)
        {
            // ReadAsStreamAsync failed: nothing has been sent yet.
            var error = context.RequestAborted.IsCancellationRequested ? ForwarderError.ResponseBodyClient : ForwarderError.ResponseBodyDestination;
            return await ReportResponseBodyFailureAsync(context, environmentName, target, error, exception);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<ForwarderError> ReportResponseBodyFailureAsync(
        HttpContext context, string environmentName, RouteTarget target, ForwarderError error, Exception? exception)
    {
        if (error == ForwarderError.ResponseBodyClient)
        {
            RouterLog.ClientFailed(_logger, environmentName, target.InstanceId, error, exception);
            context.Abort();
            return error;
        }

        RouterLog.InstanceFailed(_logger, environmentName, target.InstanceId, error, exception);
        if (context.Response.HasStarted)
        {
            // Status and part of the body are on the wire; only a broken connection tells the client the body is incomplete.
            context.Abort();
            return error;
        }

        context.Response.Clear();
        await TryWritePageAsync(context, () => error == ForwarderError.ResponseBodyTimedOut
            ? RouterPages.WriteGatewayTimeoutAsync(context, environmentName, target.InstanceId, _timeout)
            : RouterPages.WriteBadGatewayAsync(context, environmentName, target.InstanceId));
        return error;
    }

    private static async Task TryWritePageAsync(HttpContext context, Func<Task> write)
    {
        if (context.Response.HasStarted || context.RequestAborted.IsCancellationRequested)
        {
            context.Abort();
            return;
        }

        try
        {
            await write();
        }
        catch (Exception exception) when (exception is IOException or OperationCanceledException)
        {
            // The client left while we explained; nothing more to do.
        }
    }

    private static string ReasonPhrase(int statusCode)
        => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(statusCode) is { Length: > 0 } phrase ? phrase : "Bad request";
}
