using System.Net;
using System.Net.Sockets;
using Sprout.Server.Routing.Epoll;
using Sprout.Server.Routing.Upstream;

namespace Sprout.Integration.Tests.Routing.Epoll;

/// <summary>Instance connections stay with the epoll loop of the request that uses them, so both sockets of a request complete on one thread.</summary>
public sealed class UpstreamAffinityTests : IDisposable
{
    private readonly EpollTestLoops _testLoops = new(2);
    private readonly Socket _listener = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);

    public UpstreamAffinityTests()
    {
        _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        _listener.Listen();
    }

    private EpollLoopGroup Loops => _testLoops.Group;

    public void Dispose()
    {
        _listener.Dispose();
        _testLoops.Dispose();
    }

    [Fact]
    public async Task TryRentIdle_OnALoop_TakesThatLoopsConnectionFirst()
    {
        var port = ((IPEndPoint)_listener.LocalEndPoint!).Port;
        var next = 0;
        var endpoint = new UpstreamEndpoint("127.0.0.1", port, address => new EpollSocket(address, Loops[next++ % 2]));
        var onFirst = await endpoint.ConnectAsync(_ => { });
        var onSecond = await endpoint.ConnectAsync(_ => { });
        Assert.Equal([0, 1], new[] { onFirst.Socket.Affinity, onSecond.Socket.Affinity });

        // The most recently returned one sits on top; a request on loop 0 must still get loop 0's.
        endpoint.Return(onFirst);
        endpoint.Return(onSecond);
        var rentedOnFirstLoop = await OnLoopAsync(Loops[0], () => endpoint.TryRentIdle(checkAlways: false));
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
        var chosen = await OnLoopAsync(Loops[1], () => Loops.Local());

        Assert.Same(Loops[1], chosen);
        Assert.Null(EpollLoop.Current);
    }

    private static Task<T> OnLoopAsync<T>(EpollLoop loop, Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        loop.Post(_ => done.SetResult(work()), null);
        return done.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
