using System.Globalization;
using Microsoft.AspNetCore.Http;
using Sprout.Server.Routing.Forwarding;
using static System.Net.WebUtility;

namespace Sprout.Server.Routing;

/// <summary>The small pages the router answers with itself, when no instance does.</summary>
internal static class RouterPages
{
    // Every interpolated value may come from the client (the Host header) or from user config: always HTML-encoded.
    public static Task WriteUnknownHostAsync(HttpContext context, string hostname, string domain)
        => WriteAsync(
            context,
            StatusCodes.Status404NotFound,
            "No environment here",
            $"No environment answers at {HtmlEncode(hostname)}. Environments are reached at their CNAME under {HtmlEncode(domain)}.");

    public static Task WriteNoHealthyInstanceAsync(HttpContext context, string environmentName)
        => WriteAsync(
            context,
            StatusCodes.Status503ServiceUnavailable,
            "No healthy instance",
            $"Environment {HtmlEncode(environmentName)} has no healthy instance to serve this request right now.");

    public static Task WriteBadGatewayAsync(HttpContext context, string environmentName, string instanceId)
        => WriteAsync(context, StatusCodes.Status502BadGateway, BadGatewayTitle, BadGatewayMessage(environmentName, instanceId));

    public static Task WriteGatewayTimeoutAsync(HttpContext context, string environmentName, string instanceId, TimeSpan timeout)
        => WriteAsync(context, StatusCodes.Status504GatewayTimeout, GatewayTimeoutTitle, GatewayTimeoutMessage(environmentName, instanceId, timeout));

    public static Task WriteStatusAsync(HttpContext context, int statusCode, string title)
        => WriteAsync(context, statusCode, title, HtmlEncode(title));

    public const string BadGatewayTitle = "Bad gateway";

    public const string GatewayTimeoutTitle = "Gateway timeout";

    public const string ContentType = "text/html; charset=utf-8";

    public static string BadGatewayMessage(string environmentName, string instanceId)
        => $"Instance {HtmlEncode(instanceId)} of environment {HtmlEncode(environmentName)} could not be reached or closed the connection.";

    public static string GatewayTimeoutMessage(string environmentName, string instanceId, TimeSpan timeout)
        => $"Instance {HtmlEncode(instanceId)} of environment {HtmlEncode(environmentName)} did not answer within {timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s.";

    /// <summary>The page's HTML; <paramref name="encodedMessage"/> is already HTML-encoded.</summary>
    public static string Html(int statusCode, string title, string encodedMessage, string? requestId)
    {
        // The request id lets a user quote the failure and an operator find it in the logs.
        var footer = requestId is not null ? $"sprout router · request id {HtmlEncode(requestId)}" : "sprout router";
        return $"""
            <!doctype html>
            <html><head><meta charset="utf-8"><title>{statusCode} {HtmlEncode(title)}</title></head>
            <body><h1>{statusCode} {HtmlEncode(title)}</h1><p>{encodedMessage}</p><hr><p>{footer}</p></body></html>

            """;
    }

    private static Task WriteAsync(HttpContext context, int statusCode, string title, string encodedMessage)
    {
        var response = context.Response;
        response.StatusCode = statusCode;
        response.ContentType = ContentType;
        response.Headers.CacheControl = "no-store";
        return response.WriteAsync(Html(statusCode, title, encodedMessage, RequestIds.Of(context)), context.RequestAborted);
    }
}
