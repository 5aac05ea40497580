using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using Sprout.Server.Routing.Pooling;

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
/// awaitable its caller holds. Reading the result returns the box to a <see cref="PerThreadPool{T}"/> (the reading
/// thread's stack, or the shared one); a stale awaiter then fails on the version, as with any reused
/// <see cref="IValueTaskSource{TResult}"/>.
/// </summary>
internal sealed class ThreadPooledBox<TResult, TStateMachine> : IThreadPooledBox<TResult>
    where TStateMachine : IAsyncStateMachine
{
    /// <summary>Enough for the requests one loop thread has in flight at once under heavy load.</summary>
    private const int MaxPooledPerThread = 256;

    /// <summary>Room in the shared stack.</summary>
    private const int MaxShared = 256;

    private ManualResetValueTaskSourceCore<TResult> _core;

    private ThreadPooledBox() => MoveNextAction = MoveNext;

    public TStateMachine StateMachine = default!;

    public Action MoveNextAction { get; }

    public short Version => _core.Version;

    public static ThreadPooledBox<TResult, TStateMachine> Rent()
        => PerThreadPool<ThreadPooledBox<TResult, TStateMachine>>.Rent() ?? new ThreadPooledBox<TResult, TStateMachine>();

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
        PerThreadPool<ThreadPooledBox<TResult, TStateMachine>>.Return(this, MaxPooledPerThread, MaxShared);
    }
}
