namespace Sprout.Server.Routing.Pooling;

/// <summary>
/// Reusable objects of one type for the router's loop threads: a stack per thread, taken and filled without a lock,
/// and a small shared stack for what one thread returns beyond its own stack's room. A request that starts on one
/// loop and finishes on the other (it took that loop's instance connection) returns what it rented there: one
/// thread's stack stays full while the other's runs dry, and the shared stack carries the surplus across, so
/// neither allocates. Only that traffic takes the lock; an empty shared stack is checked without it.
/// </summary>
internal static class PerThreadPool<T>
    where T : class
{
    [ThreadStatic]
    private static Stack<T>? t_items;

    private static readonly Lock s_sharedGate = new();
    private static readonly Stack<T> s_shared = new();
    private static int s_sharedCount;

    /// <summary>This thread's most recently returned item, else one from the shared stack, else null.</summary>
    public static T? Rent()
    {
        if (t_items is { Count: > 0 } items)
        {
            return items.Pop();
        }

        if (Volatile.Read(ref s_sharedCount) == 0)
        {
            return null;
        }

        lock (s_sharedGate)
        {
            var found = s_shared.TryPop(out var item);
            Volatile.Write(ref s_sharedCount, s_shared.Count);
            return found ? item : null;
        }
    }

    /// <summary>Keeps <paramref name="item"/> on this thread's stack, or on the shared one, or leaves it to the collector when both are full.</summary>
    public static void Return(T item, int maxPerThread, int maxShared)
    {
        var items = t_items ??= new Stack<T>();
        if (items.Count < maxPerThread)
        {
            items.Push(item);
            return;
        }

        lock (s_sharedGate)
        {
            if (s_shared.Count < maxShared)
            {
                s_shared.Push(item);
                Volatile.Write(ref s_sharedCount, s_shared.Count);
            }
        }
    }
}
