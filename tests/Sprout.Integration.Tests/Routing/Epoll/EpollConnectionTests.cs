using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Connections;
using Sprout.Server.Routing.Epoll;

namespace Sprout.Integration.Tests.Routing.Epoll;

/// <summary>
/// An epoll connection as the direct path uses it, against a real loopback client: the socket read and written
/// without pipes, then handed to the pipes with the unread bytes first; the client's leaving noticed while
/// nothing reads; closing without a hand-off.
/// </summary>
public sealed class EpollConnectionTests : IDisposable
{
    private static readonly TimeSpan s_deadline = TimeSpan.FromSeconds(10);

    private readonly EpollTestLoops _testLoops = new(1);

    private EpollLoopGroup Loops => _testLoops.Group;

    public void Dispose() => _testLoops.Dispose();

    [Fact]
    public async Task DirectSocket_ServesARequestThenHandsThePipelinedRestToThePipes()
    {
        var (connection, client) = await AcceptedAsync();
        using (client)
        {
            var socket = connection.TakeSocket();
            Assert.NotNull(socket);

            await client.SendAsync(Encoding.ASCII.GetBytes("one|two|"));
            var first = await ReadAtLeastAsync(socket.Input, 8);
            Assert.Equal("one|two|", Encoding.ASCII.GetString(first.Buffer));
            socket.Input.AdvanceTo(first.Buffer.GetPosition(4));
            await WriteAsync(socket.Output, "ONE");
            Assert.Equal("ONE", await ReceiveAsync(client, 3));

            // "two|" was read from the socket but not consumed: the pipes must deliver it before anything newer.
            connection.StartPipes();
            await client.SendAsync(Encoding.ASCII.GetBytes("three|"));
            var rest = await ReadAtLeastAsync(connection.Transport.Input, 10);
            Assert.Equal("two|three|", Encoding.ASCII.GetString(rest.Buffer));
            connection.Transport.Input.AdvanceTo(rest.Buffer.End);
            await WriteAsync(connection.Transport.Output, "TWO");
            Assert.Equal("TWO", await ReceiveAsync(client, 3));

            await connection.DisposeAsync();
            Assert.Equal(0, await client.ReceiveAsync(new byte[16]).WaitAsync(s_deadline));
        }
    }

    [Fact]
    public async Task DirectSocket_WaitingWithNothingUnread_HoldsNoBuffer()
    {
        var (connection, client) = await AcceptedAsync();
        using (client)
        {
            var reader = Assert.IsType<DirectSocketReader>(connection.TakeSocket()!.Input);

            await client.SendAsync(Encoding.ASCII.GetBytes("a|"));
            var first = await ReadAtLeastAsync(reader, 2);
            Assert.True(reader.HoldsBuffer);
            reader.AdvanceTo(first.Buffer.End);

            // Everything consumed: the wait for the next request holds no buffer.
            var waiting = reader.ReadAsync();
            Assert.False(waiting.IsCompleted);
            Assert.False(reader.HoldsBuffer);
            await client.SendAsync(Encoding.ASCII.GetBytes("b|c"));
            var second = await waiting.AsTask().WaitAsync(s_deadline);
            Assert.Equal("b|c", Encoding.ASCII.GetString(second.Buffer));

            // Bytes examined but not consumed (half a request) keep theirs, and what comes next joins them.
            reader.AdvanceTo(second.Buffer.GetPosition(2), second.Buffer.End);
            var more = reader.ReadAsync();
            Assert.True(reader.HoldsBuffer);
            await client.SendAsync(Encoding.ASCII.GetBytes("d|"));
            Assert.Equal("cd|", Encoding.ASCII.GetString((await more.AsTask().WaitAsync(s_deadline)).Buffer));

            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task TakeSocket_AfterTheTransportWasAskedFor_LeavesItToThePipes()
    {
        var (connection, client) = await AcceptedAsync();
        using (client)
        {
            var pipes = connection.Transport;

            Assert.Null(connection.TakeSocket());
            await client.SendAsync(Encoding.ASCII.GetBytes("hi"));
            var read = await ReadAtLeastAsync(pipes.Input, 2);
            Assert.Equal("hi", Encoding.ASCII.GetString(read.Buffer));
            pipes.Input.AdvanceTo(read.Buffer.End);
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task DirectSocket_ClientLeavesWhileNothingReads_ConnectionClosedFires()
    {
        var (connection, client) = await AcceptedAsync();
        var closed = connection.ConnectionClosed;
        using (client)
        {
            Assert.NotNull(connection.TakeSocket());

            // As while a request waits on its instance: no read is pending, yet the watchdog must learn the client left.
            client.Close();
            await WaitUntilAsync(() => closed.IsCancellationRequested);
        }

        await connection.DisposeAsync();
    }

    [Fact]
    public async Task DirectSocket_ClientLeftBeforeItWasTaken_ConnectionClosedFires()
    {
        var (socket, client) = await AcceptedSocketAsync();
        var connection = new EpollConnection(socket, MemoryPool<byte>.Shared);
        var closed = connection.ConnectionClosed;
        using (client)
        {
            // The loop saw the FIN before anything watched for it: taking the socket must still report it.
            client.Close();
            await WaitUntilAsync(() => socket.ReadEnded);

            Assert.NotNull(connection.TakeSocket());
            await WaitUntilAsync(() => closed.IsCancellationRequested);
        }

        await connection.DisposeAsync();
    }

    [Fact]
    public async Task DirectSocket_CancelPendingRead_EndsTheWaitingReadAndTheNextOneStillReceives()
    {
        var (connection, client) = await AcceptedAsync();
        using (client)
        {
            var socket = connection.TakeSocket()!;
            var waiting = socket.Input.ReadAsync().AsTask();
            Assert.False(waiting.IsCompleted);

            socket.Input.CancelPendingRead();
            var canceled = await waiting.WaitAsync(s_deadline);
            Assert.True(canceled.IsCanceled);
            Assert.True(canceled.Buffer.IsEmpty);

            await client.SendAsync(Encoding.ASCII.GetBytes("after"));
            var read = await ReadAtLeastAsync(socket.Input, 5);
            Assert.Equal("after", Encoding.ASCII.GetString(read.Buffer));
            socket.Input.AdvanceTo(read.Buffer.End);
            await connection.DisposeAsync();
        }
    }

    [Fact]
    public async Task DirectSocket_AbortedWhileAReadWaits_TheReadFailsAsAborted()
    {
        var (connection, client) = await AcceptedAsync();
        var closed = connection.ConnectionClosed;
        using (client)
        {
            var socket = connection.TakeSocket()!;
            var waiting = socket.Input.ReadAsync().AsTask();

            connection.Abort(new ConnectionAbortedException("test abort"));

            var failure = await Assert.ThrowsAsync<ConnectionAbortedException>(() => waiting.WaitAsync(s_deadline));
            Assert.Equal("test abort", failure.Message);
            Assert.Equal(0, await client.ReceiveAsync(new byte[16]).WaitAsync(s_deadline));
            await connection.DisposeAsync();
            Assert.True(closed.IsCancellationRequested);
        }
    }

    [Fact]
    public async Task DirectSocket_LargeResponse_ArrivesWholeThroughASlowClient()
    {
        var (connection, client) = await AcceptedAsync();
        using (client)
        {
            var socket = connection.TakeSocket()!;
            // More than the socket buffers hold: the flush has to wait for the client to make room.
            var payload = new byte[4 * 1024 * 1024];
            new Random(7).NextBytes(payload);
            payload.CopyTo(socket.Output.GetSpan(payload.Length));
            socket.Output.Advance(payload.Length);
            var flushing = socket.Output.FlushAsync().AsTask();

            var received = new byte[payload.Length];
            var total = 0;
            while (total < received.Length)
            {
                var count = await client.ReceiveAsync(received.AsMemory(total, Math.Min(64 * 1024, received.Length - total))).AsTask().WaitAsync(s_deadline);
                Assert.NotEqual(0, count);
                total += count;
            }

            var flushed = await flushing.WaitAsync(s_deadline);
            Assert.False(flushed.IsCompleted);
            Assert.Equal(payload, received);
            await connection.DisposeAsync();
        }
    }

    private async Task<(EpollConnection Connection, Socket Client)> AcceptedAsync()
    {
        var (socket, client) = await AcceptedSocketAsync();
        return (new EpollConnection(socket, MemoryPool<byte>.Shared), client);
    }

    private async Task<(EpollSocket Socket, Socket Client)> AcceptedSocketAsync()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen();
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        var accepted = await listener.AcceptAsync(CancellationToken.None);
        return (new EpollSocket(accepted, Loops.Next()), client);
    }

    /// <summary>Reads until at least <paramref name="count"/> bytes are buffered, leaving them unconsumed.</summary>
    private static async Task<ReadResult> ReadAtLeastAsync(PipeReader reader, int count)
    {
        var deadline = DateTime.UtcNow + s_deadline;
        while (true)
        {
            var read = await reader.ReadAsync().AsTask().WaitAsync(s_deadline);
            if (read.Buffer.Length >= count)
            {
                return read;
            }

            Assert.False(read.IsCompleted, "the input ended early");
            Assert.True(DateTime.UtcNow < deadline, "the bytes did not arrive before the deadline");
            reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
        }
    }

    private static async Task WriteAsync(PipeWriter writer, string text)
    {
        var bytes = Encoding.ASCII.GetBytes(text);
        bytes.CopyTo(writer.GetSpan(bytes.Length));
        writer.Advance(bytes.Length);
        var flushed = await writer.FlushAsync().AsTask().WaitAsync(s_deadline);
        Assert.False(flushed.IsCompleted);
    }

    private static async Task<string> ReceiveAsync(Socket client, int count)
    {
        var buffer = new byte[count];
        var total = 0;
        while (total < count)
        {
            var received = await client.ReceiveAsync(buffer.AsMemory(total)).AsTask().WaitAsync(s_deadline);
            Assert.NotEqual(0, received);
            total += received;
        }

        return Encoding.ASCII.GetString(buffer);
    }

    private static Task WaitUntilAsync(Func<bool> condition) => EpollTestLoops.WaitUntilAsync(condition, s_deadline);
}
