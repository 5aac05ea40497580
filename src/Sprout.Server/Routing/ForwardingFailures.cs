using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sprout.Server.Routing.Forwarding;

namespace Sprout.Server.Routing;

/// <summary>
/// What the client gets when forwarding fails, shared by both upstream clients: before the response
/// has started, a page (400/413 for the client's own body, 502, 504); after it has started, an aborted
/// connection, because only a broken connection tells the client a body is incomplete. Logs once,
/// blaming the right side.
/// </summary>
internal sealed class ForwardingFailures
{
    private readonly TimeSpan _timeout;
    private readonly ILogger _logger;

    public ForwardingFailures(TimeSpan timeout, ILogger logger)
    {
        _timeout = timeout;
        _logger = logger;
    }

    /// <summary>The client went away before the response started: nothing to write, nothing the instance did wrong.</summary>
    public ForwarderError Canceled(string environmentName, RouteTarget target, Exception? exception)
    {
        RouterLog.ClientFailed(_logger, environmentName, target.InstanceId, ForwarderError.RequestCanceled, exception);
        return ForwarderError.RequestCanceled;
    }

    /// <summary>Reading the client's body failed (bad framing, over the limit, aborted): its status, or 400.</summary>
    public async Task<ForwarderError> RequestBodyClientAsync(HttpContext context, string environmentName, RouteTarget target, Exception? exception)
    {
        RouterLog.ClientFailed(_logger, environmentName, target.InstanceId, ForwarderError.RequestBodyClient, exception);
        var status = exception is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status400BadRequest;
        await TryWritePageAsync(context, () => RouterPages.WriteStatusAsync(context, status, ReasonPhrase(status)));
        return ForwarderError.RequestBodyClient;
    }

    /// <summary>The instance did not answer in time: 504.</summary>
    public async Task<ForwarderError> TimedOutAsync(HttpContext context, string environmentName, RouteTarget target)
    {
        RouterLog.InstanceFailed(_logger, environmentName, target.InstanceId, ForwarderError.RequestTimedOut, null);
        await TryWritePageAsync(context, () => RouterPages.WriteGatewayTimeoutAsync(context, environmentName, target.InstanceId, _timeout));
        return ForwarderError.RequestTimedOut;
    }

    /// <summary>
    /// The instance failed before answering: 502, unless the caller will try another target for a refused
    /// connection (<paramref name="leaveRefusedToCaller"/>), in which case nothing is written.
    /// </summary>
    public async Task<ForwarderError> InstanceFailedAsync(
        HttpContext context, string environmentName, RouteTarget target, ForwarderError error, Exception? exception, bool leaveRefusedToCaller)
    {
        RouterLog.InstanceFailed(_logger, environmentName, target.InstanceId, error, exception);
        if (leaveRefusedToCaller && error == ForwarderError.ConnectionRefused)
        {
            return error;
        }

        await TryWritePageAsync(context, () => RouterPages.WriteBadGatewayAsync(context, environmentName, target.InstanceId));
        return error;
    }

    /// <summary>The response body broke: a page if nothing was sent yet, else the client connection is aborted.</summary>
    public async Task<ForwarderError> ResponseBodyAsync(HttpContext context, string environmentName, RouteTarget target, ForwarderError error, Exception? exception)
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
            // Response.Clear() may have dropped it; the page is exactly when the client needs the id.
            if (RequestIds.Of(context) is { } requestId)
            {
                context.Response.Headers[RequestIds.HeaderName] = requestId;
            }

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
