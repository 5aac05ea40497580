using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Sprout.Server.Routing.Async;

namespace Sprout.Server.Routing.Epoll;

/// <summary>
/// The direct path's response bytes: written into one pooled buffer and sent by <see cref="FlushAsync"/>
/// itself, straight to the socket, with no send loop in between. A flush completes when the kernel took
/// every byte, which is the back-pressure a slow client puts on the path. The buffer goes back to the pool
/// after each flush, so an idle connection holds none.
/// </summary>
internal sealed class DirectSocketWriter : PipeWriter
{
    private const int InitialSize = 4096;

    private static readonly FlushResult s_flushed = new(isCanceled: false, isCompleted: false);
    private static readonly FlushResult s_clientGone = new(isCanceled: false, isCompleted: true);

    private readonly EpollSocket _socket;
    private readonly EpollConnection _connection;
    private byte[] _buffer = [];
    private int _written;
    private bool _failed;

    public DirectSocketWriter(EpollSocket socket, EpollConnection connection)
    {
        _socket = socket;
        _connection = connection;
    }

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _written;

    public override Span<byte> GetSpan(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsSpan(_written);
    }

    public override Memory<byte> GetMemory(int sizeHint = 0)
    {
        Reserve(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public override void Advance(int bytes)
    {
        if ((uint)bytes > (uint)(_buffer.Length - _written))
        {
            throw new ArgumentOutOfRangeException(nameof(bytes), "Advanced past the memory handed out.");
        }

        _written += bytes;
    }

    public override ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_failed)
        {
            return ValueTask.FromResult(s_clientGone);
        }

        if (_written == 0)
        {
            return ValueTask.FromResult(s_flushed);
        }

        var send = _socket.SendAsync(_buffer.AsMemory(0, _written));
        if (send.IsCompletedSuccessfully)
        {
            Sent();
            return ValueTask.FromResult(s_flushed);
        }

        return SendAsync(send);
    }

    /// <summary>Nothing waits here except a send, which only the socket's close ends.</summary>
    public override void CancelPendingFlush()
    {
    }

    public override void Complete(Exception? exception = null)
    {
        _failed = true;
        Sent();
    }

    [AsyncMethodBuilder(typeof(ThreadPoolingMethodBuilder<>))]
    private async ValueTask<FlushResult> SendAsync(ValueTask send)
    {
        try
        {
            await send;
            Sent();
            return s_flushed;
        }
        catch (SocketException exception)
        {
            // As the send loop would: the connection is shut down, and the path sees its client gone.
            _failed = true;
            Sent();
            _connection.DirectSendFailed(EpollConnection.ClientError(exception));
            return s_clientGone;
        }
    }

    private void Sent()
    {
        _written = 0;
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private void Reserve(int sizeHint)
    {
        var needed = _written + Math.Max(sizeHint, 1);
        if (needed <= _buffer.Length)
        {
            return;
        }

        var larger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, Math.Max(InitialSize, _buffer.Length * 2)));
        if (_buffer.Length > 0)
        {
            _buffer.AsSpan(0, _written).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = larger;
    }
}
