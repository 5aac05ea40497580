using System.Security.Cryptography;

namespace Sprout.Server.Routing.Remote;

/// <summary>
/// The control plane's side of the routing feed: which table it serves, under which epoch, and
/// whether it is ready to (a freshly started server's table is empty until every environment is restored).
/// </summary>
public sealed class RouteFeed
{
    private volatile bool _ready;

    public RouteFeed(IRouteTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        Table = table;
    }

    public IRouteTable Table { get; }

    /// <summary>Identifies this start of the control plane; a follower takes any table from a new epoch.</summary>
    public string Epoch { get; } = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>True once the table reflects every restored environment; until then the feed answers 503.</summary>
    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;

    /// <summary>
    /// Marks the feed ready once every one of <paramref name="environmentNames"/> has a route in the
    /// table, or <paramref name="timeout"/> has passed (an environment being terminated may never publish one).
    /// Restored environments publish their routes from background refreshes, not before restore returns.
    /// </summary>
    /// <returns>True when every environment was routed in time.</returns>
    public async Task<bool> MarkReadyWhenRoutedAsync(IReadOnlyCollection<string> environmentNames, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(environmentNames);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        var snapshot = Table.Current;
        try
        {
            while (!RoutesAll(snapshot, environmentNames))
            {
                snapshot = await Table.WaitForChangeAsync(snapshot.Version, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            MarkReady();
            return false;
        }

        MarkReady();
        return true;
    }

    private static bool RoutesAll(RouteSnapshot snapshot, IReadOnlyCollection<string> environmentNames)
    {
        var routed = snapshot.ByHostname.Values.Select(route => route.EnvironmentName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        return environmentNames.All(routed.Contains);
    }

    /// <summary>
    /// The table of <paramref name="snapshot"/>, one entry per environment. Each lists only the
    /// hostnames it wins in the snapshot (mid CNAME swap two may claim one), so applying the entries
    /// in any order routes exactly as the snapshot does.
    /// </summary>
    public RouteTableDocument Describe(RouteSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var environments = snapshot.ByHostname
            .GroupBy(pair => pair.Value, ReferenceEqualityComparer.Instance)
            .Select(group =>
            {
                var route = (EnvironmentRoute)group.Key!;
                return route with { Hostnames = group.Select(pair => pair.Key).Order(StringComparer.Ordinal).ToArray() };
            })
            .OrderBy(route => route.EnvironmentName, StringComparer.Ordinal)
            .ToArray();
        return new RouteTableDocument(Epoch, snapshot.Version, environments);
    }
}
