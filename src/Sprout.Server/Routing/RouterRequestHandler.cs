using System.Diagnostics;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Sprout.Server.Routing.AccessLog;
using Sprout.Server.Routing.Balancing;
using Sprout.Server.Routing.Forwarding;

namespace Sprout.Server.Routing;

/// <summary>
/// The router's terminal middleware: Host header → environment (current snapshot) → target group by
/// weight → target (sticky, least outstanding or round robin, ejected targets skipped) → forwarder;
/// then passive health, the observer and the access log hear how it went.
/// </summary>
internal sealed class RouterRequestHandler
{
    /// <summary>The ALB's stickiness cookie name, so clients and tooling that know it keep working.</summary>
    internal const string StickinessCookie = "AWSALB";

    private readonly IRouteTable _table;
    private readonly HttpForwarder _forwarder;
    private readonly IRouterObserver? _observer;
    private readonly AccessLogWriter? _accessLog;
    private readonly string _domain;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public RouterRequestHandler(IRouteTable table, HttpForwarder forwarder, IRouterObserver? observer, AccessLogWriter? accessLog, string domain, ILogger logger, TimeProvider time)
    {
        _table = table;
        _forwarder = forwarder;
        _observer = observer;
        _accessLog = accessLog;
        _domain = domain;
        _logger = logger;
        _time = time;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var started = _observer is null && _accessLog is null ? 0 : Stopwatch.GetTimestamp();
        var hostHeader = context.Request.Headers.Host.ToString();
        var hostname = Hostname(hostHeader);

        if (!_table.Current.TryGetActiveRoute(hostname, out var route))
        {
            var host = hostname.ToString();
            RouterLog.UnknownHost(_logger, host);
            await RouterPages.WriteUnknownHostAsync(context, host.Length == 0 ? "(no Host header)" : host, _domain);
            return;
        }

        var sticky = route.Policy.StickinessDuration is null ? default : context.Request.Cookies[StickinessCookie].AsSpan();
        var target = TargetSelector.Pick(route, sticky, _time.GetUtcNow().UtcTicks, Random.Shared);
        if (target is null)
        {
            RouterLog.NoAvailableTargets(_logger, route.EnvironmentName);
            await RouterPages.WriteNoHealthyInstanceAsync(context, route.EnvironmentName);
            Completed(context, route.EnvironmentName, string.Empty, string.Empty, StatusCodes.Status503ServiceUnavailable, started, ForwarderError.NoAvailableTargets);
            return;
        }

        if (route.Policy.StickinessDuration is { } duration && !sticky.SequenceEqual(target.Target.InstanceId))
        {
            context.Response.Headers.Append(HeaderNames.SetCookie, StickinessCookieValue(target.Target.InstanceId, duration));
        }

        // A refused connection reached nothing, so a request without a body may go to another target:
        // a crashed instance still in the table for a moment then costs its clients nothing.
        var retryable = !(context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true);
        var (result, state) = await ForwardAsync(context, target, retryable);
        if (result.Error == ForwarderError.ConnectionRefused && retryable)
        {
            if (state.Report(result.Error))
            {
                RouterLog.TargetEjected(_logger, target.Target.InstanceId, target.EnvironmentName, result.Error, state.EjectedUntil);
            }

            var next = TargetSelector.Pick(route, default, _time.GetUtcNow().UtcTicks, Random.Shared);
            if (next is not null && !ReferenceEquals(next, target) && !next.State.IsEjectedAt(_time.GetUtcNow().UtcTicks))
            {
                target = next;
                (result, state) = await ForwardAsync(context, target, retryable: false);
            }
            else
            {
                await RouterPages.WriteBadGatewayAsync(context, target.EnvironmentName, target.Target.InstanceId);
            }
        }

        var error = result.Error;
        if (state.Report(error))
        {
            RouterLog.TargetEjected(_logger, target.Target.InstanceId, target.EnvironmentName, error, state.EjectedUntil);
        }

        var status = error == ForwarderError.RequestCanceled ? StatusCodes.Status499ClientClosedRequest : context.Response.StatusCode;
        Completed(context, target.EnvironmentName, target.GroupName, target.Target.InstanceId, status, started, error, result.RequestBytes, result.ResponseBytes);
    }

    private void Completed(HttpContext context, string environmentName, string groupName, string instanceId, int status, long started, ForwarderError error, long requestBytes = 0, long responseBytes = 0)
    {
        if (started == 0)
        {
            return;
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        _observer?.RequestCompleted(new RoutedRequest(environmentName, groupName, instanceId, status, elapsed, error, requestBytes, responseBytes));
        if (_accessLog is not null)
        {
            var request = context.Request;
            _accessLog.Write(new AccessLogEntry(
                _time.GetUtcNow(),
                RequestIds.Of(context),
                context.Connection.RemoteIpAddress?.ToString() ?? "",
                request.Method,
                request.Host.Value ?? "",
                request.Path.Value + request.QueryString.Value,
                request.Protocol,
                status,
                elapsed.TotalMilliseconds,
                environmentName,
                instanceId,
                error.ToString()));
        }
    }

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<(ForwardingResult Result, Targets.TargetState State)> ForwardAsync(HttpContext context, ActiveTarget target, bool retryable)
    {
        var state = target.State;
        state.Enter();
        try
        {
            return (await _forwarder.SendAsync(context, target.EnvironmentName, target.Target, state.Closing, retryable), state);
        }
        finally
        {
            state.Exit();
        }
    }

    internal static string StickinessCookieValue(string instanceId, TimeSpan duration)
        => string.Create(CultureInfo.InvariantCulture, $"{StickinessCookie}={instanceId}; Max-Age={(long)duration.TotalSeconds}; Path=/; HttpOnly");

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
