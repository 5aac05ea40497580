using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sprout.Server.Routing;

/// <summary>
/// The router's terminal middleware: Host header → environment (current snapshot) → target
/// (load-balancing policy) → forwarder; reports each routed request to the observer.
/// </summary>
internal sealed class RouterRequestHandler
{
    private readonly IRouteTable _table;
    private readonly ILoadBalancingPolicy _policy;
    private readonly HttpForwarder _forwarder;
    private readonly IRouterObserver? _observer;
    private readonly string _domain;
    private readonly ILogger _logger;
    private readonly InFlightRequests _inFlight;

    public RouterRequestHandler(IRouteTable table, ILoadBalancingPolicy policy, HttpForwarder forwarder, IRouterObserver? observer, string domain, ILogger logger, InFlightRequests inFlight)
    {
        _inFlight = inFlight;
        _table = table;
        _policy = policy;
        _forwarder = forwarder;
        _observer = observer;
        _domain = domain;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var started = _observer is null ? 0 : Stopwatch.GetTimestamp();
        var hostHeader = context.Request.Headers.Host.ToString();
        var hostname = Hostname(hostHeader);

        if (!_table.Current.TryGetRoute(hostname, out var route))
        {
            var host = hostname.ToString();
            RouterLog.UnknownHost(_logger, host);
            await RouterPages.WriteUnknownHostAsync(context, host.Length == 0 ? "(no Host header)" : host, _domain);
            return;
        }

        var group = TargetGroupSelector.Pick(route.Groups, Random.Shared);
        if (group is null)
        {
            RouterLog.NoAvailableTargets(_logger, route.EnvironmentName);
            await RouterPages.WriteNoHealthyInstanceAsync(context, route.EnvironmentName);
            _observer?.RequestCompleted(route.EnvironmentName, string.Empty, StatusCodes.Status503ServiceUnavailable, Stopwatch.GetElapsedTime(started), ForwarderError.NoAvailableTargets);
            return;
        }

        var target = _policy.PickTarget(group);
        ForwarderError error;
        using (_inFlight.Begin(target.InstanceId))
        {
            error = await _forwarder.SendAsync(context, route.EnvironmentName, target, CancellationToken.None);
        }

        if (_observer is not null)
        {
            var status = error == ForwarderError.RequestCanceled ? StatusCodes.Status499ClientClosedRequest : context.Response.StatusCode;
            _observer.RequestCompleted(route.EnvironmentName, target.InstanceId, status, Stopwatch.GetElapsedTime(started), error);
        }
    }

    /// <summary>The Host header without its port or a trailing dot: <c>App.localhost:8080</c> → <c>App.localhost</c>.</summary>
    internal static ReadOnlySpan<char> Hostname(ReadOnlySpan<char> hostHeader)
    {
        var host = hostHeader.Trim();
        if (host.StartsWith('['))
        {
            var end = host.IndexOf(']');
            return end < 0 ? host : host[..(end + 1)];
        }

        var colon = host.LastIndexOf(':');
        if (colon >= 0)
        {
            host = host[..colon];
        }

        return host.TrimEnd('.');
    }
}
