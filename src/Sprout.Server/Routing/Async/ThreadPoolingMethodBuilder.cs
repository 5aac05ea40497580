using System.Runtime.CompilerServices;

namespace Sprout.Server.Routing.Async;

/// <summary>
/// Builds an async method returning <see cref="ValueTask{TResult}"/> whose state machine, when it has to wait,
/// lives in a box taken from a per-thread stack (<see cref="ThreadPooledBox{TResult, TStateMachine}"/>) and goes
/// back there once its result is read. <see cref="PoolingAsyncValueTaskMethodBuilder{TResult}"/> keeps one box per
/// thread and one per core: a loop thread with dozens of requests in flight finishes and starts them in runs
/// (one epoll batch), so most of its rentals missed and allocated a box per request, and garbage collections
/// that stop the loops followed.
/// <para>
/// Unlike the framework's builders this one does not flow the <see cref="ExecutionContext"/> across awaits
/// of the method itself (awaiters that flow it still do): a method resumes with the context of the thread that
/// completed its wait. Only for methods that read no <see cref="AsyncLocal{T}"/> state, as the direct path's
/// per-request ones; their callers built on <see cref="System.Threading.Tasks.Task"/> still restore their own context when resumed.
/// </para>
/// </summary>
internal struct ThreadPoolingMethodBuilder<TResult>
{
    private IThreadPooledBox<TResult>? _box;
    private TResult? _result;
    private Exception? _exception;

    public static ThreadPoolingMethodBuilder<TResult> Create() => default;

    public readonly ValueTask<TResult> Task
    {
        get
        {
            if (_box is { } box)
            {
                return new ValueTask<TResult>(box, box.Version);
            }

            return _exception is null ? new ValueTask<TResult>(_result!) : ValueTask.FromException<TResult>(_exception);
        }
    }

    public void Start<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
        => stateMachine.MoveNext();

    public readonly void SetStateMachine(IAsyncStateMachine stateMachine)
    {
        // Only used by boxing on .NET Framework; the box copies the state machine itself.
    }

    public void SetResult(TResult result)
    {
        if (_box is { } box)
        {
            // The continuation may run inline, read the result and return the box (clearing this builder with it).
            box.SetResult(result);
        }
        else
        {
            _result = result;
        }
    }

    public void SetException(Exception exception)
    {
        if (_box is { } box)
        {
            box.SetException(exception);
        }
        else
        {
            _exception = exception;
        }
    }

    public void AwaitOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : INotifyCompletion
        where TStateMachine : IAsyncStateMachine
        => awaiter.OnCompleted(BoxFor(ref stateMachine).MoveNextAction);

    public void AwaitUnsafeOnCompleted<TAwaiter, TStateMachine>(ref TAwaiter awaiter, ref TStateMachine stateMachine)
        where TAwaiter : ICriticalNotifyCompletion
        where TStateMachine : IAsyncStateMachine
        => awaiter.UnsafeOnCompleted(BoxFor(ref stateMachine).MoveNextAction);

    private IThreadPooledBox<TResult> BoxFor<TStateMachine>(ref TStateMachine stateMachine)
        where TStateMachine : IAsyncStateMachine
    {
        if (_box is { } existing)
        {
            return existing;
        }

        var box = ThreadPooledBox<TResult, TStateMachine>.Rent();
        // Set before the copy below, so the boxed state machine's builder already points at its box.
        _box = box;
        box.StateMachine = stateMachine;
        return box;
    }
}
