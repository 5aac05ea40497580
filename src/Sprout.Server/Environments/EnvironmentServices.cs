using Microsoft.Extensions.Logging;
using Sprout.Server.Health;
using Sprout.Server.Metrics;
using Sprout.Server.Metrics.SystemMetrics;
using Sprout.Server.Routing;
using Sprout.Server.Routing.Remote;
using Sprout.Server.Routing.Targets;
using Sprout.Server.Runtime;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

/// <summary>The shared parts every environment controller works with.</summary>
internal sealed record EnvironmentServices(
    SproutStore Store,
    IRuntimeDriver Driver,
    IRouteTable Routes,
    TargetStates Targets,
    RouteFeedFollowers RemoteRouters,
    RouterMetrics Metrics,
    InstanceSystemMetrics SystemMetrics,
    HealthProbe Probe,
    PortAllocator Ports,
    EnvironmentSettingsLoader Settings,
    ServerOptions Options,
    TimeProvider Time,
    ILoggerFactory LoggerFactory)
{
    public string HostnameOf(string cname) => $"{cname}.{Options.Domain}".ToLowerInvariant();

    public string EndpointUrlOf(string cname) =>
        Options.HttpPort == 80 ? $"http://{HostnameOf(cname)}" : $"http://{HostnameOf(cname)}:{Options.HttpPort}";
}
