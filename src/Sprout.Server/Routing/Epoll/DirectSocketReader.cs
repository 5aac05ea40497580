using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using Sprout.Server.Routing.Async;

namespace Sprout.Server.Routing.Epoll;

/// <summary>
/// The client's bytes for the router's direct path, received straight from the socket into one buffer
/// when the path asks for them: no pipe and no receive loop running ahead, and no buffer held while the
/// client is quiet with nothing unread. It holds a request head and
/// whatever the client pipelined behind it; whatever is unread when the connection goes to Kestrel moves
/// into the connection's input pipe (<see cref="TakeUnread"/>).
/// </summary>
internal sealed class DirectSocketReader : PipeReader
{
    // Past the largest head the direct path parses, so it always sees enough to decline a request.
    private const int MaxSize = 64 * 1024;

    private readonly EpollSocket _socket;
    private readonly EpollConnection _connection;
    private byte[] _buffer = [];
    private int _start;
    private int _end;
    private int _examined;
    private bool _ended;
    private bool _cancelNext;
    private bool _completed;

    public DirectSocketReader(EpollSocket socket, EpollConnection connection)
    {
        _socket = socket;
        _connection = connection;
    }

    /// <summary>Whether a buffer is held: only while bytes are unread or a receive into one is under way.</summary>
    internal bool HoldsBuffer => _buffer.Length > 0;

    private ReadOnlySequence<byte> Unread => new(_buffer, _start, _end - _start);

    public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        if (Volatile.Read(ref _cancelNext))
        {
            Volatile.Write(ref _cancelNext, false);
            return ValueTask.FromResult(new ReadResult(Unread, isCanceled: true, _ended));
        }

        if (TryRead(out var buffered))
        {
            return ValueTask.FromResult(buffered);
        }

        if (_start == _end)
        {
            // Nothing unread: the client is between requests, and most keep-alive connections spend their life
            // there, so the buffer goes back to the pool until the client sends again.
            ReturnBuffer();
            var wait = _socket.WaitReadableAsync();
            if (!wait.IsCompletedSuccessfully)
            {
                CancelIfAskedMeanwhile();
                return ReceiveAsync(wait, waitOnly: true);
            }
        }

        return ReceiveIntoBuffer();
    }

    public override bool TryRead(out ReadResult result)
    {
        if (_end > _examined || _ended)
        {
            result = new ReadResult(Unread, isCanceled: false, _ended);
            return true;
        }

        result = default;
        return false;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        var start = consumed.GetInteger();
        var seen = examined.GetInteger();
        if (!ReferenceEquals(consumed.GetObject(), _buffer) || start < _start || start > _end || seen < start || seen > _end)
        {
            throw new InvalidOperationException("The position is not in the last buffer read.");
        }

        _start = start;
        _examined = seen;
        if (_start == _end)
        {
            _start = _end = _examined = 0;
        }
    }

    /// <summary>Makes the next <see cref="ReadAsync"/> return at once as canceled, or ends one waiting for the client.</summary>
    public override void CancelPendingRead()
    {
        Volatile.Write(ref _cancelNext, true);
        _socket.CancelPendingReceive();
    }

    public override void Complete(Exception? exception = null)
    {
        if (_completed)
        {
            return;
        }

        _completed = true;
        ReturnBuffer();
    }

    /// <summary>What the client sent that was not consumed; the reader is done afterwards.</summary>
    public byte[] TakeUnread()
    {
        var unread = _buffer.AsSpan(_start, _end - _start).ToArray();
        Complete();
        return unread;
    }

    private ValueTask<ReadResult> ReceiveIntoBuffer()
    {
        MakeRoom();
        var receive = _socket.ReceiveAsync(_buffer.AsMemory(_end));
        if (receive.IsCompletedSuccessfully)
        {
            return Completed(receive.Result);
        }

        CancelIfAskedMeanwhile();
        return ReceiveAsync(receive);
    }

    private void CancelIfAskedMeanwhile()
    {
        if (Volatile.Read(ref _cancelNext))
        {
            // A cancel from another thread while this receive was being set up may have found nothing waiting yet.
            _socket.CancelPendingReceive();
        }
    }

    /// <summary>Waits for <paramref name="receive"/>; a <paramref name="waitOnly"/> one took no bytes, so a receive into a buffer follows.</summary>
    [AsyncMethodBuilder(typeof(ThreadPoolingMethodBuilder<>))]
    private async ValueTask<ReadResult> ReceiveAsync(ValueTask<int> receive, bool waitOnly = false)
    {
        int received;
        try
        {
            received = await receive;
        }
        catch (OperationCanceledException)
        {
            Volatile.Write(ref _cancelNext, false);
            return new ReadResult(Unread, isCanceled: true, _ended);
        }
        catch (SocketException exception)
        {
            throw _connection.DirectReceiveEnded(EpollConnection.ClientError(exception))!;
        }

        return waitOnly ? await ReceiveIntoBuffer() : Received(received);
    }

    private ValueTask<ReadResult> Completed(int received)
    {
        try
        {
            return ValueTask.FromResult(Received(received));
        }
        catch (Exception exception)
        {
            return ValueTask.FromException<ReadResult>(exception);
        }
    }

    private ReadResult Received(int received)
    {
        if (received == 0)
        {
            // A close the router made itself (an abort) reads as its reason, as it does through the pipes.
            _ended = true;
            if (_connection.DirectReceiveEnded(null) is { } reason)
            {
                throw reason;
            }
        }

        _end += received;
        return new ReadResult(Unread, isCanceled: false, _ended);
    }

    /// <summary>Free space after what is buffered: moves the unread bytes to the front first, then grows.</summary>
    private void MakeRoom()
    {
        if (_buffer.Length == 0)
        {
            _buffer = Direct.HeadBufferPool.Rent();
            return;
        }

        if (_end < _buffer.Length)
        {
            return;
        }

        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _examined -= _start;
            _start = 0;
            return;
        }

        if (_buffer.Length >= MaxSize)
        {
            throw new InvalidOperationException("The direct path asked for more than a request head's worth of bytes.");
        }

        var larger = Direct.HeadBufferPool.Rent(_buffer.Length * 2);
        _buffer.AsSpan(0, _end).CopyTo(larger);
        Direct.HeadBufferPool.Return(_buffer);
        _buffer = larger;
    }

    private void ReturnBuffer()
    {
        Direct.HeadBufferPool.Return(_buffer);
        _buffer = [];
        _start = _end = _examined = 0;
    }
}
