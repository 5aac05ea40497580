using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Sprout.Server.Api;
using Sprout.Server.Routing;
using Sprout.Server.Routing.Remote;

namespace Sprout.Integration.Tests.Routing.Remote;

/// <summary>
/// A control plane reduced to its routing feed: the real endpoint and token check over a
/// <see cref="RouteTable"/> the test writes to, on a real loopback port. Disposing it and starting
/// another on the same <see cref="Port"/> is a control-plane restart (a new epoch).
/// </summary>
internal sealed class TestRouteFeedHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestRouteFeedHost(WebApplication app, RouteTable table, RouteFeed feed, RouteFeedFollowers followers, int port, string token)
    {
        _app = app;
        Table = table;
        Feed = feed;
        Followers = followers;
        Port = port;
        Token = token;
    }

    public RouteTable Table { get; }

    public RouteFeed Feed { get; }

    public RouteFeedFollowers Followers { get; }

    public int Port { get; }

    public string Token { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}");

    public static async Task<TestRouteFeedHost> StartAsync(string tokenPath, int port = 0, bool ready = true)
    {
        var token = await AccessToken.LoadOrCreateAsync(tokenPath, CancellationToken.None);
        var table = new RouteTable();
        var feed = new RouteFeed(table);
        var followers = new RouteFeedFollowers(TimeProvider.System);
        if (ready)
        {
            feed.MarkReady();
        }

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddLogging();
        builder.Services.AddRouting();
        builder.Services.AddSingleton(feed);
        builder.Services.AddSingleton(followers);
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        app.Use((context, next) => ApiMiddleware.TranslateErrorsAsync(context, NullLogger.Instance, () => next(context)));
        app.Use((context, next) => ApiMiddleware.AuthenticateAsync(context, token, () => next(context)));
        app.UseRouting();
        app.MapGroup("/api").MapRoutingEndpoints();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new TestRouteFeedHost(app, table, feed, followers, new Uri(address).Port, token.Value);
    }

    /// <summary>A client of this feed, authenticated unless told otherwise.</summary>
    public HttpClient CreateClient(bool authenticated = true)
    {
        var client = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };
        if (authenticated)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        // Abort open long polls at once, as a killed control plane would.
        using var now = new CancellationTokenSource(TimeSpan.Zero);
        try
        {
            await _app.StopAsync(now.Token);
        }
        catch (OperationCanceledException)
        {
        }

        await _app.DisposeAsync();
    }
}
