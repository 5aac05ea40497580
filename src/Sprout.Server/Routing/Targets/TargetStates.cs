using System.Collections.Concurrent;

namespace Sprout.Server.Routing.Targets;

/// <summary>
/// The live state of every target the router has seen, by instance id. Route publishes resolve their
/// targets here once, so the request path never looks anything up; draining reads in-flight counts
/// and closes long-lived connections through it.
/// </summary>
public sealed class TargetStates
{
    private readonly ConcurrentDictionary<string, TargetState> _byInstance = new(StringComparer.Ordinal);
    private readonly PassiveHealthOptions _options;
    private readonly TimeProvider _time;

    public TargetStates()
        : this(PassiveHealthOptions.Default, TimeProvider.System)
    {
    }

    public TargetStates(PassiveHealthOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options;
        _time = time;
    }

    public TargetState Get(string instanceId) => _byInstance.GetOrAdd(instanceId, id => new TargetState(id, _options, _time));

    /// <summary>Requests the router is forwarding to <paramref name="instanceId"/> right now.</summary>
    public int InFlightOf(string instanceId) => _byInstance.TryGetValue(instanceId, out var state) ? state.InFlight : 0;

    /// <summary>
    /// Closes the instance's long-lived connections (the end of its drain) and starts it afresh: an
    /// instance id that serves again (an in-place deployment keeps it) gets a new state.
    /// </summary>
    public void CloseConnections(string instanceId)
    {
        if (_byInstance.TryRemove(instanceId, out var state))
        {
            state.CloseConnections();
        }
    }

    /// <summary>Every known target, ordered by instance id (for exposition).</summary>
    public IReadOnlyList<TargetState> All() => _byInstance.Values.OrderBy(state => state.InstanceId, StringComparer.Ordinal).ToList();

    /// <summary>Forgets an instance that is gone for good.</summary>
    public void Forget(string instanceId) => _byInstance.TryRemove(instanceId, out _);
}
