using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;

namespace Sprout.Server.Routing.Async;

/// <summary>What <see cref="ThreadPoolingMethodBuilder{TResult}"/> needs of a box, whatever its state machine's type.</summary>
internal interface IThreadPooledBox<TResult> : IValueTaskSource<TResult>
{
    short Version { get; }

    Action MoveNextAction { get; }

    void SetResult(TResult result);

    void SetException(Exception exception);
}

/// <summary>
/// A waiting async method of <see cref="ThreadPoolingMethodBuilder{TResult}"/>: its state machine and the
/// awaitable its caller holds. Reading the result returns the box to the reading thread's stack (up to
/// <see cref="MaxPooledPerThread"/>; beyond that to a small stack shared by all threads, and beyond that to the
/// collector); a stale awaiter then fails on the version, as with any reused <see cref="IValueTaskSource{TResult}"/>.
/// </summary>
internal sealed class ThreadPooledBox<TResult, TStateMachine> : IThreadPooledBox<TResult>
    where TStateMachine : IAsyncStateMachine
{
    /// <summary>Enough for the requests one loop thread has in flight at once under heavy load.</summary>
    private const int MaxPooledPerThread = 256;

    /// <summary>Room in the shared stack.</summary>
    private const int MaxSpare = 256;

    [ThreadStatic]
    private static Stack<ThreadPooledBox<TResult, TStateMachine>>? t_pool;

    // A request that starts on one loop and finishes on the other (it took that loop's instance connection) leaves
    // its boxes there: one loop's stack stays full while the other's runs dry. The full one's surplus comes here
    // for the dry one, so neither allocates; only that traffic takes the lock.
    private static readonly Lock s_spareGate = new();
    private static readonly Stack<ThreadPooledBox<TResult, TStateMachine>> s_spare = new();
    private static int s_spareCount;

    private ManualResetValueTaskSourceCore<TResult> _core;

    private ThreadPooledBox() => MoveNextAction = MoveNext;

    public TStateMachine StateMachine = default!;

    public Action MoveNextAction { get; }

    public short Version => _core.Version;

    public static ThreadPooledBox<TResult, TStateMachine> Rent()
        => t_pool is { Count: > 0 } pool ? pool.Pop() : RentSpare() ?? new ThreadPooledBox<TResult, TStateMachine>();

    public void SetResult(TResult result) => _core.SetResult(result);

    public void SetException(Exception exception) => _core.SetException(exception);

    public TResult GetResult(short token)
    {
        if (token != _core.Version || _core.GetStatus(token) == ValueTaskSourceStatus.Pending)
        {
            return _core.GetResult(token); // throws: a stale awaiter, or one that did not wait; the box stays in use
        }

        try
        {
            return _core.GetResult(token);
        }
        finally
        {
            Return();
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);

    private void MoveNext() => StateMachine.MoveNext();

    private void Return()
    {
        // Cleared first: the state machine holds the method's locals (buffers, connections) until reused.
        StateMachine = default!;
        _core.Reset();
        var pool = t_pool ??= new Stack<ThreadPooledBox<TResult, TStateMachine>>();
        if (pool.Count < MaxPooledPerThread)
        {
            pool.Push(this);
            return;
        }

        lock (s_spareGate)
        {
            if (s_spare.Count < MaxSpare)
            {
                s_spare.Push(this);
                Volatile.Write(ref s_spareCount, s_spare.Count);
            }
        }
    }

    private static ThreadPooledBox<TResult, TStateMachine>? RentSpare()
    {
        if (Volatile.Read(ref s_spareCount) == 0)
        {
            return null;
        }

        lock (s_spareGate)
        {
            var found = s_spare.TryPop(out var box);
            Volatile.Write(ref s_spareCount, s_spare.Count);
            return found ? box : null;
        }
    }
}
