using System.Collections.Frozen;
using Sprout.Server.Routing.Targets;

namespace Sprout.Server.Routing;

/// <summary>
/// The in-memory <see cref="IRouteTable"/>. Writers serialise on a lock and publish a fresh immutable
/// <see cref="RouteSnapshot"/>; readers only do a volatile read of the current one.
/// </summary>
public sealed class RouteTable : IRouteTable
{
    private readonly Lock _writeLock = new();
    // Insertion order matters: when two environments claim one hostname (mid CNAME swap), the one
    // set most recently wins, so a swap applied as two SetEnvironment calls never 404s.
    private readonly List<EnvironmentRoute> _environments = [];
    private readonly TargetStates _states;
    private RouteSnapshot _current = RouteSnapshot.Empty;
    private TaskCompletionSource<RouteSnapshot> _nextPublish = NewPublishSignal();

    public RouteTable()
        : this(new TargetStates())
    {
    }

    /// <param name="states">Where the router keeps each target's live state (in flight, passive health) across publishes.</param>
    public RouteTable(TargetStates states)
    {
        ArgumentNullException.ThrowIfNull(states);
        _states = states;
    }

    /// <summary>The live state of the targets this table routes to.</summary>
    public TargetStates States => _states;

    public RouteSnapshot Current => Volatile.Read(ref _current);

    public async Task<RouteSnapshot> WaitForChangeAsync(long afterVersion, CancellationToken cancellationToken)
    {
        while (true)
        {
            // Take the signal before reading the version: a publish in between then completes it.
            var next = Volatile.Read(ref _nextPublish).Task;
            var current = Current;
            if (current.Version > afterVersion)
            {
                return current;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Makes <paramref name="routes"/> the whole table in one publish: environments not listed are
    /// removed. A remote router applies each table it follows this way.
    /// </summary>
    public void ReplaceAll(IReadOnlyCollection<EnvironmentRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var normalized = routes.Select(Normalize).ToList();
        lock (_writeLock)
        {
            _environments.Clear();
            foreach (var route in normalized)
            {
                _environments.RemoveAll(existing => SameName(existing, route.EnvironmentName));
                _environments.Add(route);
            }

            Publish();
        }
    }

    public void SetEnvironment(EnvironmentRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        SetEnvironments([route]);
    }

    public void SetEnvironments(IReadOnlyCollection<EnvironmentRoute> routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        var normalized = routes.Select(Normalize).ToList();
        lock (_writeLock)
        {
            foreach (var route in normalized)
            {
                _environments.RemoveAll(existing => SameName(existing, route.EnvironmentName));
                _environments.Add(route);
            }

            Publish();
        }
    }

    public void RemoveEnvironment(string environmentName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(environmentName);
        lock (_writeLock)
        {
            if (_environments.RemoveAll(existing => SameName(existing, environmentName)) > 0)
            {
                Publish();
            }
        }
    }

    private void Publish()
    {
        var byHostname = new Dictionary<string, EnvironmentRoute>(StringComparer.OrdinalIgnoreCase);
        foreach (var route in _environments)
        {
            foreach (var hostname in route.Hostnames)
            {
                byHostname[hostname] = route;
            }
        }

        var next = new RouteSnapshot(_current.Version + 1, byHostname.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase), _states);
        Volatile.Write(ref _current, next);
        Interlocked.Exchange(ref _nextPublish, NewPublishSignal()).TrySetResult(next);
    }

    private static TaskCompletionSource<RouteSnapshot> NewPublishSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private static bool SameName(EnvironmentRoute route, string environmentName)
        => string.Equals(route.EnvironmentName, environmentName, StringComparison.OrdinalIgnoreCase);

    private static EnvironmentRoute Normalize(EnvironmentRoute route)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentException.ThrowIfNullOrWhiteSpace(route.EnvironmentName, nameof(route));
        ArgumentNullException.ThrowIfNull(route.Hostnames, nameof(route));
        ArgumentNullException.ThrowIfNull(route.Groups, nameof(route));
        ArgumentNullException.ThrowIfNull(route.Policy, nameof(route));

        var hostnames = new List<string>(route.Hostnames.Count);
        foreach (var hostname in route.Hostnames)
        {
            var normalized = hostname?.Trim().TrimEnd('.').ToLowerInvariant();
            if (string.IsNullOrEmpty(normalized) || normalized.Contains(':', StringComparison.Ordinal) && !normalized.StartsWith('['))
            {
                throw new ArgumentException($"Environment '{route.EnvironmentName}' has an invalid hostname '{hostname}' (expected a host name without port).", nameof(route));
            }

            hostnames.Add(normalized);
        }

        var groupNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in route.Groups)
        {
            if (group is null || string.IsNullOrWhiteSpace(group.Name) || !groupNames.Add(group.Name) || group.Weight is < 0 or > TargetGroup.MaxWeight || group.Targets is null)
            {
                throw new ArgumentException($"Environment '{route.EnvironmentName}' has an invalid or duplicate target group {group} (weights run 0–{TargetGroup.MaxWeight}).", nameof(route));
            }

            foreach (var target in group.Targets)
            {
                if (target is null || string.IsNullOrWhiteSpace(target.InstanceId) || string.IsNullOrWhiteSpace(target.Host) || target.Port is < 1 or > 65535)
                {
                    throw new ArgumentException($"Environment '{route.EnvironmentName}' has an invalid target {target}.", nameof(route));
                }
            }
        }

        if (route.Policy.StickinessDuration is { } stickiness && stickiness <= TimeSpan.Zero)
        {
            throw new ArgumentException($"Environment '{route.EnvironmentName}' has a non-positive stickiness duration.", nameof(route));
        }

        return route with
        {
            Hostnames = hostnames.Distinct(StringComparer.Ordinal).ToArray(),
            Groups = route.Groups.Select(group => group with { Targets = group.Targets.ToArray() }).ToArray(),
        };
    }
}
