using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using Sprout.Server.Routing.AccessLog;
using Sprout.Server.Routing.Upstream;

namespace Sprout.Server.Routing.Direct;

/// <summary>
/// The router's direct path: Kestrel connection middleware in front of Kestrel's HTTP/1.1 layer that
/// serves plain requests (GET, HEAD, DELETE, OPTIONS without a body, upgrade or unusual header) straight
/// from the connection's bytes to an instance's and back: no HttpContext, no header dictionaries, the
/// instance's response head relayed as bytes. At the first request it does not serve, it hands the
/// connection, with that request unread, to Kestrel's HTTP/1.1 layer and <see cref="RouterRequestHandler"/>
/// for good. Both paths share the routing table, balancing, target states and upstream connection pool.
/// </summary>
internal sealed class DirectHttp1Path : IDisposable
{
    public DirectHttp1Path(
        IRouteTable table,
        Http1Forwarder upstream,
        RouterOptions options,
        IRouterObserver? observer,
        AccessLogWriter? accessLog,
        ILogger logger,
        TimeProvider time,
        DirectConnectionWatchdog watchdog)
    {
        Table = table;
        Upstream = upstream;
        Options = options;
        Observer = observer;
        AccessLog = accessLog;
        Logger = logger;
        Time = time;
        Watchdog = watchdog;
    }

    public IRouteTable Table { get; }

    public Http1Forwarder Upstream { get; }

    public RouterOptions Options { get; }

    public IRouterObserver? Observer { get; }

    public AccessLogWriter? AccessLog { get; }

    public ILogger Logger { get; }

    public TimeProvider Time { get; }

    public DirectConnectionWatchdog Watchdog { get; }

    /// <summary>The connection middleware: <c>listenOptions.Use(path.Wrap)</c>.</summary>
    public ConnectionDelegate Wrap(ConnectionDelegate next)
        => connection => new DirectConnection(this, connection, next).RunAsync();

    public void Dispose() => Watchdog.Dispose();
}
