using System.Net;
using System.Net.Sockets;
using Sprout.Server.Routing.Epoll;
using Sprout.Server.Routing.Upstream;

namespace Sprout.Integration.Tests.Routing.Epoll;

/// <summary>Instance connections stay with the epoll loop of the request that uses them, so both sockets of a request complete on one thread.</summary>
public sealed class UpstreamAffinityTests : IDisposable
{
    // A fault is recorded, not thrown: an exception escaping a loop's thread would take the test host down.
    private readonly System.Collections.Concurrent.ConcurrentQueue<Exception> _faults = new();
    private readonly EpollLoopGroup _loops;
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public UpstreamAffinityTests()
    {
        _loops = new EpollLoopGroup(2, _faults.Enqueue);
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
    }

    public void Dispose()
    {
        _listener.Dispose();
        _loops.Dispose();
        Assert.Empty(_faults);
    }

    [Fact]
    public async Task TryRentIdle_OnALoop_TakesThatLoopsConnectionFirst()
    {
        var port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        var next = 0;
        var endpoint = new UpstreamEndpoint("127.0.0.1", port, address => new EpollSocket(address, _loops[next++ % 2]));
        var onFirst = await endpoint.ConnectAsync(_ => { });
        var onSecond = await endpoint.ConnectAsync(_ => { });
        Assert.Equal([0, 1], new[] { onFirst.Socket.Affinity, onSecond.Socket.Affinity });

        // The most recently returned one sits on top; a request on loop 0 must still get loop 0's.
        endpoint.Return(onFirst);
        endpoint.Return(onSecond);
        var rentedOnFirstLoop = await OnLoopAsync(_loops[0], () => endpoint.TryRentIdle(checkAlways: false));
        var rentedElsewhere = endpoint.TryRentIdle(checkAlways: false);
        var none = endpoint.TryRentIdle(checkAlways: false);

        Assert.Same(onFirst, rentedOnFirstLoop);
        Assert.Same(onSecond, rentedElsewhere);
        Assert.Null(none);
        onFirst.Dispose();
        onSecond.Dispose();
    }

    [Fact]
    public async Task LocalLoop_ForANewConnection_IsTheCallersLoop()
    {
        var chosen = await OnLoopAsync(_loops[1], () => _loops.Local());

        Assert.Same(_loops[1], chosen);
        Assert.Null(EpollLoop.Current);
    }

    private static Task<T> OnLoopAsync<T>(EpollLoop loop, Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Post(_ => done.SetResult(work()), null);
        return done.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
