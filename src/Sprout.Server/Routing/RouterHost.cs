using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sprout.Server.Routing.AccessLog;
using Sprout.Server.Routing.Direct;
using Sprout.Server.Routing.Epoll;

namespace Sprout.Server.Routing;

/// <summary>
/// The in-process router (data plane): its own Kestrel listener that routes every request by Host
/// header through <see cref="IRouteTable.Current"/> to an environment's instances.
/// </summary>
public sealed class RouterHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpMessageInvoker _invoker;
    private readonly HttpForwarder _forwarder;
    private readonly AccessLogWriter? _accessLog;
    private readonly DirectHttp1Path? _direct;
    private readonly EpollLoopGroup? _loops;

    private RouterHost(WebApplication app, HttpMessageInvoker invoker, HttpForwarder forwarder, DirectHttp1Path? direct, EpollLoopGroup? loops, AccessLogWriter? accessLog, RouterOptions options, int port, int? http2Port)
    {
        _loops = loops;
        _direct = direct;
        _accessLog = accessLog;
        _app = app;
        _invoker = invoker;
        _forwarder = forwarder;
        Options = options;
        Port = port;
        Http2Port = http2Port;
    }

    public RouterOptions Options { get; }

    /// <summary>The port actually bound (differs from <see cref="RouterOptions.Port"/> when that was 0).</summary>
    public int Port { get; }

    /// <summary>The HTTP/2 (h2c, prior knowledge) port actually bound, when <see cref="RouterOptions.Http2Port"/> asked for one.</summary>
    public int? Http2Port { get; }

    public static Task<RouterHost> StartAsync(RouterOptions options, IRouteTable table, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
        => StartAsync(options, table, loggerFactory, observer: null, cancellationToken);

    /// <param name="observer">Told about every routed request; null costs nothing.</param>
    public static async Task<RouterHost> StartAsync(
        RouterOptions options, IRouteTable table, ILoggerFactory loggerFactory, IRouterObserver? observer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();

        var invoker = RouterHttpClientFactory.Create();
        var logger = loggerFactory.CreateLogger("Sprout.Server.Routing.Router");
        var accessLog = options.AccessLogPath is null ? null : AccessLogWriter.Open(options.AccessLogPath);
        var transport = RouterTransports.Effective(options.Transport);
        var loops = transport == RouterTransport.Epoll
            ? new EpollLoopGroup(EpollLoopGroup.DefaultCount(), fault => RouterLog.TransportFault(logger, fault))
            : null;
        var forwarder = new HttpForwarder(invoker, options, logger, loops is null ? null : address => new EpollSocket(address, loops.Local()));
        DirectHttp1Path? direct = null;

        // An empty builder: no appsettings, environment variables or command line can reconfigure the data plane.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddLogging();
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton<IHostLifetime, DetachedHostLifetime>();
        // Only the router's own listener: request continuations run on the socket's I/O thread instead of
        // hopping to the thread pool. Everything on the request path (observer, log providers) must
        // therefore never block: a blocked I/O thread stalls every connection it serves.
        // A receive buffer is taken at once instead of after a zero-byte read says data is there: that
        // read is one more recvfrom whenever the client has not sent yet, which for keep-alive is every request.
        if (loops is null)
        {
            builder.WebHost.UseSockets(sockets =>
            {
                sockets.UnsafePreferInlineScheduling = true;
                sockets.WaitForDataBeforeAllocatingBuffer = false;
            });
        }
        else
        {
            // Kestrel's only transport then: its listeners all bind through the epoll loops.
            builder.Services.AddSingleton<IConnectionListenerFactory>(services => new EpollTransportFactory(loops, services.GetService<IMemoryPoolFactory<byte>>()));
        }
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
            kestrel.Limits.KeepAliveTimeout = options.ClientIdleTimeout;
            kestrel.Limits.RequestHeadersTimeout = options.RequestHeadersTimeout;
            if (options.DirectPath && forwarder.Native is { } native)
            {
                var watchdog = new DirectConnectionWatchdog(options.ClientIdleTimeout, options.RequestHeadersTimeout, options.RequestTimeout);
                direct = new DirectHttp1Path(table, native, options, observer, accessLog, logger, TimeProvider.System, watchdog);
            }

            kestrel.Listen(options.Address, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http1;
                if (direct is not null)
                {
                    listen.Use(direct.Wrap);
                }
            });
            if (options.Http2Port is { } http2Port)
            {
                // Without TLS there is no ALPN to pick the protocol, so h2c gets its own port (prior knowledge).
                kestrel.Listen(options.Address, http2Port, listen => listen.Protocols = HttpProtocols.Http2);
            }
        });

        var app = builder.Build();
        var handler = new RouterRequestHandler(
            table,
            forwarder,
            observer,
            accessLog,
            options.Domain,
            logger,
            TimeProvider.System);
        app.Run(handler.HandleAsync);

        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            direct?.Dispose();
            forwarder.Dispose();
            invoker.Dispose();
            loops?.Dispose();
            if (accessLog is not null)
            {
                await accessLog.DisposeAsync();
            }

            throw;
        }

        var (port, http2Port) = BoundPorts(app, options);
        RouterLog.Listening(logger, options.Address, port, transport);
        return new RouterHost(app, invoker, forwarder, direct, loops, accessLog, options, port, http2Port);
    }

    /// <summary>Stops accepting connections and lets in-flight requests finish until <paramref name="cancellationToken"/> fires.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => _app.StopAsync(cancellationToken);

    /// <summary>Closes the listener at once, aborting in-flight requests; call <see cref="StopAsync"/> first to drain.</summary>
    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _direct?.Dispose();
        _forwarder.Dispose();
        _invoker.Dispose();
        _loops?.Dispose();
        if (_accessLog is not null)
        {
            await _accessLog.DisposeAsync();
        }
    }

    private static (int Port, int? Http2Port) BoundPorts(WebApplication app, RouterOptions options)
    {
        // Kestrel lists addresses in the order the endpoints were configured.
        var ports = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .Select(address => new Uri(address).Port)
            .ToList();
        if (ports.Count == 0)
        {
            throw new InvalidOperationException("Kestrel started without a bound address.");
        }

        return (ports[0], options.Http2Port is null ? null : ports[^1]);
    }
}
