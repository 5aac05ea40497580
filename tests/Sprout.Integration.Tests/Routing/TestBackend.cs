using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Sprout.Server.Routing;

namespace Sprout.Integration.Tests.Routing;

/// <summary>
/// A real HTTP instance on 127.0.0.1:0 for the router to forward to. Paths:
/// <c>/echo</c> streams the request body back; <c>/slow</c> waits until the caller gives up;
/// <c>/status/N</c> answers status N with no body; <c>/hop-by-hop</c> answers with headers a proxy must strip; <c>/truncated</c> promises 1000 bytes, sends a few, and dies when released;
/// anything else answers JSON describing the request as the instance saw it (after <c>?delay=</c> milliseconds).
/// </summary>
internal sealed class TestBackend : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TaskCompletionSource _releaseTruncated;
    private readonly TaskCompletionSource _slowRequestArrived;

    private TestBackend(WebApplication app, TaskCompletionSource releaseTruncated, TaskCompletionSource slowRequestArrived, string name, int port)
    {
        _slowRequestArrived = slowRequestArrived;
        _app = app;
        _releaseTruncated = releaseTruncated;
        Name = name;
        Port = port;
    }

    public string Name { get; }

    public int Port { get; }

    public RouteTarget Target => new(Name, "127.0.0.1", Port);

    public static async Task<TestBackend> StartAsync(string name)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddLogging();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        var releaseTruncated = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var slowRequestArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        app.Run(context => HandleAsync(context, name, releaseTruncated.Task, slowRequestArrived));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new TestBackend(app, releaseTruncated, slowRequestArrived, name, new Uri(address).Port);
    }

    /// <summary>Completes once a request to <c>/slow</c> has reached this instance.</summary>
    public Task SlowRequestArrived => _slowRequestArrived.Task;

    /// <summary>Lets <c>/truncated</c> abort its connection after the partial body it already sent.</summary>
    public void ReleaseTruncatedResponse() => _releaseTruncated.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        _releaseTruncated.TrySetResult();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static async Task HandleAsync(HttpContext context, string name, Task releaseTruncated, TaskCompletionSource slowRequestArrived)
    {
        context.Response.Headers["X-Backend"] = name;
        switch (context.Request.Path.Value)
        {
            case "/echo":
                context.Response.ContentType = context.Request.ContentType ?? "application/octet-stream";
                await context.Request.Body.CopyToAsync(context.Response.Body, context.RequestAborted);
                return;

            case "/slow":
                slowRequestArrived.TrySetResult();
                await Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
                return;

            case "/hop-by-hop":
                context.Response.Headers["Keep-Alive"] = "timeout=5";
                context.Response.Headers["Connection"] = "X-Backend-Secret";
                context.Response.Headers["X-Backend-Secret"] = "hidden";
                context.Response.Headers["Proxy-Authenticate"] = "Basic";
                context.Response.Headers["X-Backend-Public"] = "visible";
                return;

            case "/truncated":
                context.Response.ContentLength = 1000;
                await context.Response.WriteAsync("only part of it");
                await context.Response.Body.FlushAsync();
                await releaseTruncated;
                context.Abort();
                return;

            case var path when path?.StartsWith("/status/", StringComparison.Ordinal) == true:
                context.Response.StatusCode = int.Parse(path["/status/".Length..], System.Globalization.CultureInfo.InvariantCulture);
                context.Response.Headers.ETag = "\"v1\"";
                return;

            default:
                // ?delay=N holds the answer N ms, so requests overlap as they do under real load.
                if (int.TryParse(context.Request.Query["delay"], System.Globalization.CultureInfo.InvariantCulture, out var delay))
                {
                    await Task.Delay(delay, context.RequestAborted);
                }

                var description = new Dictionary<string, object?>
                {
                    ["backend"] = name,
                    ["method"] = context.Request.Method,
                    ["rawTarget"] = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget,
                    ["headers"] = context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase),
                };
                context.Response.ContentType = "application/json";
                await JsonSerializer.SerializeAsync(context.Response.Body, description);
                return;
        }
    }
}
