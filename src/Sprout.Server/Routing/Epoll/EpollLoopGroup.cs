namespace Sprout.Server.Routing.Epoll;

/// <summary>
/// The epoll loops of one router, one per core by default: client connections and instance connections
/// are spread over them in turn, and each socket stays on its loop for life.
/// </summary>
internal sealed class EpollLoopGroup : IDisposable
{
    /// <summary>Overrides the number of loops (default: one per core).</summary>
    public const string ThreadsVariable = "SPROUT_ROUTER_EPOLL_THREADS";

    private readonly EpollLoop[] _loops;
    private uint _next;

    public EpollLoopGroup(int count, Action<Exception> fault)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _loops = new EpollLoop[count];
        for (var i = 0; i < count; i++)
        {
            _loops[i] = new EpollLoop(i, fault);
        }
    }

    public EpollLoop this[int index] => _loops[index];

    public static int DefaultCount()
        => int.TryParse(Environment.GetEnvironmentVariable(ThreadsVariable), out var count) && count is > 0 and <= 64
            ? count
            : Environment.ProcessorCount;

    /// <summary>The loop for a new socket: round robin.</summary>
    public EpollLoop Next() => _loops[Interlocked.Increment(ref _next) % (uint)_loops.Length];

    /// <summary>
    /// The loop for a new instance connection: the caller's own when it runs on one of these loops, so the
    /// request that opened it (and later ones on that loop) never wait on another thread; else round robin.
    /// </summary>
    public EpollLoop Local() => EpollLoop.Current is { } current && current.Index < _loops.Length && _loops[current.Index] == current ? current : Next();

    public void Dispose()
    {
        foreach (var loop in _loops)
        {
            loop.Dispose();
        }
    }
}
