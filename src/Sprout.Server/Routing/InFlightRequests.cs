using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace Sprout.Server.Routing;

/// <summary>
/// How many requests each instance is serving right now, as the router sees them. Draining
/// waits on it: an instance taken out of the route table stops only once its in-flight
/// requests have finished (or the deregistration delay ran out).
/// </summary>
public sealed class InFlightRequests
{
    private readonly ConcurrentDictionary<string, StrongBox<int>> _byInstance = new(StringComparer.Ordinal);

    public int Of(string instanceId) => _byInstance.TryGetValue(instanceId, out var count) ? Volatile.Read(ref count.Value) : 0;

    /// <summary>Counts one request until the returned scope is disposed.</summary>
    internal Scope Begin(string instanceId)
    {
        var counter = _byInstance.GetOrAdd(instanceId, static _ => new StrongBox<int>());
        Interlocked.Increment(ref counter.Value);
        return new Scope(counter);
    }

    /// <summary>Forgets an instance that is gone for good.</summary>
    public void Forget(string instanceId) => _byInstance.TryRemove(instanceId, out _);

    internal readonly struct Scope(StrongBox<int> counter) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref counter.Value);
    }
}
