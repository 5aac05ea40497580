using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Sprout.Server.Routing;

namespace Sprout.Integration.Tests.Routing.Forwarding;

/// <summary>
/// A bare Kestrel listener that hands every request to an <see cref="HttpForwarder"/> aimed at one
/// target, with a closing token the test controls (what draining will do through the router).
/// </summary>
internal sealed class ForwarderHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpMessageInvoker _invoker;
    private readonly HttpForwarder _forwarder;

    private ForwarderHost(WebApplication app, HttpMessageInvoker invoker, HttpForwarder forwarder, int port)
    {
        _app = app;
        _invoker = invoker;
        _forwarder = forwarder;
        Port = port;
    }

    public int Port { get; }

    public CancellationTokenSource Closing { get; } = new();

    /// <summary>What <see cref="HttpForwarder.SendAsync"/> returned, per request, in completion order.</summary>
    public System.Collections.Concurrent.ConcurrentQueue<ForwarderError> Results { get; } = new();

    public static async Task<ForwarderHost> StartAsync(RouteTarget target, RouterOptions? options = null)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddLogging();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var invoker = RouterHttpClientFactory.Create();
        var forwarder = new HttpForwarder(invoker, options ?? new RouterOptions(IPAddress.Loopback, 0, "localhost"), NullLogger.Instance);
        ForwarderHost? host = null;
        app.Run(async context => host!.Results.Enqueue((await forwarder.SendAsync(context, "web", target, host.Closing.Token)).Error));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        host = new ForwarderHost(app, invoker, forwarder, new Uri(address).Port);
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        await Closing.CancelAsync();
        await _app.DisposeAsync();
        _forwarder.Dispose();
        _invoker.Dispose();
        Closing.Dispose();
    }
}
