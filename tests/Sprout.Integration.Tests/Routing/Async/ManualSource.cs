using System.Threading.Tasks.Sources;

namespace Sprout.Integration.Tests.Routing.Async;

/// <summary>A reusable awaitable completed by the test, on the test's thread: a stand-in for a socket's wait.</summary>
internal sealed class ManualSource : IValueTaskSource<int>
{
    private ManualResetValueTaskSourceCore<int> _core;

    public ValueTask<int> Wait()
    {
        _core.Reset();
        return new ValueTask<int>(this, _core.Version);
    }

    public void Complete(int value) => _core.SetResult(value);

    public void Fail(Exception exception) => _core.SetException(exception);

    public int GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags)
        => _core.OnCompleted(continuation, state, token, flags);
}
