using System.Threading.Tasks.Sources;

namespace Sprout.Server.Routing.Epoll;

/// <summary>
/// The awaitable of a receive or send that had to wait for an edge: one per socket and direction, reused,
/// completed on the loop's thread with its continuation run there (never posted elsewhere).
/// </summary>
internal sealed class LoopCompletion<T> : IValueTaskSource<T>, IValueTaskSource
{
    private ManualResetValueTaskSourceCore<T> _core;

    public ValueTask<T> Start()
    {
        _core.Reset();
        return new ValueTask<T>(this, _core.Version);
    }

    /// <summary>The same wait for a caller that only needs to know it finished.</summary>
    public ValueTask StartWithoutResult()
    {
        _core.Reset();
        return new ValueTask(this, _core.Version);
    }

    public void Complete(T result) => _core.SetResult(result);

    public void Fail(Exception exception) => _core.SetException(exception);

    public T GetResult(short token) => _core.GetResult(token);

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
