namespace Sprout.Server.Routing;

/// <summary>
/// The router's view of the world: which hostnames belong to which environment, and which
/// instances of it are in service. The control plane publishes; the data plane reads the
/// current snapshot on every request without locking. Each environment
/// routes to one or more weighted target groups (a canary, a traffic split, a blue/green shift).
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

    /// <summary>
    /// Completes with the first snapshot whose <see cref="RouteSnapshot.Version"/> is above
    /// <paramref name="afterVersion"/> (at once if the current one already is): how the routing
    /// feed long-polls for changes a remote router has not seen.
    /// </summary>
    Task<RouteSnapshot> WaitForChangeAsync(long afterVersion, CancellationToken cancellationToken);
}
