using System.Collections.Concurrent;
using Sprout.Server.Routing.Epoll;

namespace Sprout.Integration.Tests.Routing.Epoll;

/// <summary>
/// Epoll loops for one test class. A fault on a loop's thread is recorded, not thrown (an exception escaping
/// that thread would take the test host down), and the end of the test asserts there was none.
/// </summary>
internal sealed class EpollTestLoops : IDisposable
{
    private readonly ConcurrentQueue<Exception> _faults = new();

    public EpollTestLoops(int count) => Group = new EpollLoopGroup(count, _faults.Enqueue);

    public EpollLoopGroup Group { get; }

    /// <summary>Polls <paramref name="condition"/> every 10 ms and fails the test if it is still false after <paramref name="deadline"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan deadline)
    {
        var end = DateTime.UtcNow + deadline;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < end, "condition not met before the deadline");
            await Task.Delay(10);
        }
    }

    public void Dispose()
    {
        Group.Dispose();
        Assert.Empty(_faults);
    }
}
