using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Sprout.Server.Routing.Epoll;

namespace Sprout.Integration.Tests.Routing.Epoll;

/// <summary>The epoll transport's socket against real loopback TCP peers: readiness, end of stream, backpressure, close and connect.</summary>
public sealed class EpollSocketTests : IDisposable
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(10);

    private readonly EpollTestLoops _testLoops = new(1);

    private EpollLoopGroup Loops => _testLoops.Group;

    public void Dispose() => _testLoops.Dispose();

    [Fact]
    public async Task Receive_DataAndFinInOneEdge_DataThenEndOfStream()
    {
        var (socket, peer) = await ConnectedPairAsync();
        using (socket)
        using (peer)
        {
            // Data and FIN before the socket even waits: one edge announces both, and a short read must not hide the FIN.
            await peer.SendAsync(Encoding.ASCII.GetBytes("hello"));
            peer.Shutdown(SocketShutdown.Send);
            await WaitUntilAsync(() => socket.ReadEnded);

            var buffer = new byte[64];
            var first = await socket.ReceiveAsync(buffer).AsTask().WaitAsync(s_deadline);
            var second = await socket.ReceiveAsync(buffer).AsTask().WaitAsync(s_deadline);

            Assert.Equal("hello", Encoding.ASCII.GetString(buffer, 0, first));
            Assert.Equal(0, second);
        }
    }

    [Fact]
    public async Task Receive_BeforeThePeerSends_CompletesOnTheLoopThreadWithTheData()
    {
        var (socket, peer) = await ConnectedPairAsync();
        using (socket)
        using (peer)
        {
            var buffer = new byte[64];
            var drained = await DrainAsync(socket, buffer);
            Assert.Equal(0, drained);

            var waiting = socket.ReceiveAsync(buffer).AsTask();
            Assert.False(waiting.IsCompleted);
            var onLoop = waiting.ContinueWith(_ => Loops.Next().IsCurrent, TaskContinuationOptions.ExecuteSynchronously);
            await peer.SendAsync(Encoding.ASCII.GetBytes("ping"));

            var received = await waiting.WaitAsync(s_deadline);
            Assert.Equal("ping", Encoding.ASCII.GetString(buffer, 0, received));
            Assert.True(await onLoop);
        }
    }

    [Fact]
    public async Task Send_ManySegmentsToASlowReader_EveryByteArrivesInOrder()
    {
        var (socket, peer) = await ConnectedPairAsync();
        using (socket)
        using (peer)
        {
            // 8 MiB in 4 KiB segments: far more than the socket buffers hold, so the send must wait for room, many times.
            var payload = RandomNumberGenerator.GetBytes(8 * 1024 * 1024);
            var sequence = Segments(payload, 4096);
            var sending = socket.SendAsync(sequence).AsTask();

            using var received = new MemoryStream();
            var chunk = new byte[16 * 1024];
            while (received.Length < payload.Length)
            {
                var count = await peer.ReceiveAsync(chunk).WaitAsync(s_deadline);
                Assert.NotEqual(0, count);
                received.Write(chunk, 0, count);
                // A reader that pauses now and then, so the sender finds the socket full and must wait for room.
                if (received.Length % (1024 * 1024) < 16 * 1024)
                {
                    await Task.Delay(5);
                }
            }

            await sending.WaitAsync(s_deadline);
            Assert.Equal(SHA256.HashData(payload), SHA256.HashData(received.ToArray()));
        }
    }

    [Fact]
    public async Task Dispose_WhileAReceiveWaits_FailsItAsAborted()
    {
        var (socket, peer) = await ConnectedPairAsync();
        using (peer)
        {
            var buffer = new byte[64];
            await DrainAsync(socket, buffer);
            var waiting = socket.ReceiveAsync(buffer).AsTask();

            socket.Dispose();

            var ended = await Record.ExceptionAsync(() => waiting.WaitAsync(s_deadline));
            // Closing wakes the receive: it either sees the end of its own shut-down stream or the abort, never hangs.
            if (ended is not null)
            {
                Assert.Equal(SocketError.OperationAborted, Assert.IsType<SocketException>(ended).SocketErrorCode);
            }
            else
            {
                Assert.Equal(0, await waiting);
            }

            var afterwards = await Record.ExceptionAsync(async () => await socket.ReceiveAsync(buffer));
            Assert.IsType<SocketException>(afterwards);
        }
    }

    [Fact]
    public async Task Dispose_AfterItsLoopStopped_StillReleasesTheDescriptor()
    {
        var (socket, peer) = await ConnectedPairAsync();
        using (peer)
        {
            Loops.Dispose();

            socket.Dispose();

            Assert.Throws<ObjectDisposedException>(() => socket.Available);
            Assert.Equal(0, await peer.ReceiveAsync(new byte[16]).WaitAsync(s_deadline));
        }
    }

    [Fact]
    public async Task Connect_ToAClosedPort_RefusedLikeDotNetSockets()
    {
        using var socket = new EpollSocket(new IPEndPoint(IPAddress.Loopback, ClosedPort()), Loops.Next());

        var refused = await Assert.ThrowsAsync<SocketException>(async () => await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, ClosedPort())).AsTask().WaitAsync(s_deadline));

        Assert.Equal(SocketError.ConnectionRefused, refused.SocketErrorCode);
    }

    [Fact]
    public async Task Connect_ToAListener_CarriesBytesBothWaysAndReportsWhatWaits()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var address = (IPEndPoint)listener.LocalEndPoint!;
        using var socket = new EpollSocket(address, Loops.Next());

        await socket.ConnectAsync(address).AsTask().WaitAsync(s_deadline);
        using var peer = await listener.AcceptAsync(CancellationToken.None);
        Assert.False(socket.IsReadable());
        Assert.Equal(0, socket.Available);

        await socket.SendAsync(Encoding.ASCII.GetBytes("GET"));
        var buffer = new byte[16];
        Assert.Equal("GET", Encoding.ASCII.GetString(buffer, 0, await peer.ReceiveAsync(buffer)));
        await peer.SendAsync(Encoding.ASCII.GetBytes("200 OK"));
        await WaitUntilAsync(() => socket.Available == 6);

        Assert.True(socket.IsReadable());
        Assert.Equal("200 OK", Encoding.ASCII.GetString(buffer, 0, await socket.ReceiveAsync(buffer)));
        peer.Close();
        await WaitUntilAsync(socket.IsReadable);
    }

    private async Task<(EpollSocket Socket, Socket Peer)> ConnectedPairAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var peer = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await peer.ConnectAsync(listener.LocalEndPoint!);
        var accepted = await listener.AcceptAsync(CancellationToken.None);
        return (new EpollSocket(accepted, Loops.Next()), peer);
    }

    /// <summary>Reads until the socket has nothing more, so the next receive must wait for an edge.</summary>
    private static async Task<int> DrainAsync(EpollSocket socket, byte[] buffer)
    {
        var total = 0;
        while (socket.Available > 0)
        {
            total += await socket.ReceiveAsync(buffer);
        }

        // An empty socket's first receive finds nothing and marks it drained; it then waits, so it is not awaited here.
        return total;
    }

    private static ReadOnlySequence<byte> Segments(byte[] payload, int size)
    {
        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < payload.Length; offset += size)
        {
            var memory = payload.AsMemory(offset, Math.Min(size, payload.Length - offset));
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private static Task WaitUntilAsync(Func<bool> condition) => EpollTestLoops.WaitUntilAsync(condition, s_deadline);

    private static int ClosedPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
