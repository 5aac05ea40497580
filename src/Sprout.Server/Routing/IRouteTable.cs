namespace Sprout.Server.Routing;

/// <summary>
/// The router's view of the world: which hostnames belong to which environment, and which
/// instances of it are in service. The control plane publishes; the data plane reads the
/// current snapshot on every request without locking. A later router issue grows this into
/// weighted target groups; callers only see this seam.
/// </summary>
public interface IRouteTable
{
    /// <summary>Replaces everything known about one environment atomically (hostnames and targets).</summary>
    void SetEnvironment(EnvironmentRoute route);

    /// <summary>
    /// Replaces several environments in one publish, so readers never see a half-applied change
    /// (a CNAME swap moves hostnames between two environments at once).
    /// </summary>
    void SetEnvironments(IReadOnlyCollection<EnvironmentRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        foreach (var route in routes)
        {
            SetEnvironment(route);
        }
    }

    /// <summary>Forgets an environment; its hostnames answer 404 afterwards.</summary>
    void RemoveEnvironment(string environmentName);

    /// <summary>The snapshot a request is routed against.</summary>
    RouteSnapshot Current { get; }
}

/// <param name="EnvironmentName">The environment this route belongs to.</param>
/// <param name="Hostnames">Full host names (no port), e.g. <c>myapp-dev.localhost</c>; matched case-insensitively.</param>
/// <param name="Targets">In-service instances. Empty means the environment exists but nothing is healthy: 503.</param>
public sealed record EnvironmentRoute(string EnvironmentName, IReadOnlyList<string> Hostnames, IReadOnlyList<RouteTarget> Targets);

/// <summary>One instance the router may send requests to.</summary>
public sealed record RouteTarget(string InstanceId, string Host, int Port);
