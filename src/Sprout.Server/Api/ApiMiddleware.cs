using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Sprout.Core.Api;
using Sprout.Server.Artifacts;

namespace Sprout.Server.Api;

/// <summary>Authentication of /api and /metrics calls and the translation of refusals into ErrorDto bodies.</summary>
internal static class ApiMiddleware
{
    public static async Task AuthenticateAsync(HttpContext context, AccessToken token, Func<Task> next)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || context.Request.Path.StartsWithSegments("/metrics", StringComparison.OrdinalIgnoreCase))
        {
            var header = context.Request.Headers.Authorization.ToString();
            var presented = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : null;
            if (!token.Matches(presented))
            {
                context.Response.Headers.WWWAuthenticate = "Bearer";
                await WriteErrorAsync(context, 401, "unauthorized", "Missing or wrong API token. Set SPROUT_TOKEN to the contents of <data-dir>/token on the server.");
                return;
            }
        }

        await next();
    }

    public static async Task TranslateErrorsAsync(HttpContext context, ILogger logger, Func<Task> next)
    {
        try
        {
            await next();
        }
        catch (RequestRejectedException e)
        {
            await WriteErrorAsync(context, e.StatusCode, e.Code, e.Message);
        }
        catch (BundleRejectedException e)
        {
            await WriteErrorAsync(context, e.StatusCode, e.Code, e.Message);
        }
        catch (BadHttpRequestException e)
        {
            await WriteErrorAsync(context, e.StatusCode, "bad_request", e.Message);
        }
        catch (JsonException e)
        {
            await WriteErrorAsync(context, 400, "bad_json", $"The request body is not valid JSON for this call: {e.Message}");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nobody is left to answer.
        }
        catch (Exception e)
        {
            logger.LogError(e, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            await WriteErrorAsync(context, 500, "internal_error", $"Sprout failed to handle the request: {e.Message}");
        }
    }

    private static async Task WriteErrorAsync(HttpContext context, int status, string code, string message)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new ErrorDto(code, message), SproutJson.Options, context.RequestAborted);
    }
}
