using System.Buffers;
using System.Runtime.InteropServices;
using static Sprout.Server.Routing.Epoll.EpollNative;

namespace Sprout.Server.Routing.Epoll;

internal sealed partial class EpollSocket
{
    // Linux's IOV_MAX is 1024; 64 segments (256 KiB of Kestrel's blocks) per call is plenty.
    private const int MaxVectors = 64;

    private readonly LoopCompletion<bool> _send = new();

    // Writable edges seen, and the count at which a send last found the socket's buffer full: equal means wait.
    private int _writeEdges;
    private int _blockedAt = -1;
    private bool _sendWaiting;
    private ReadOnlySequence<byte> _sendRemaining;

    public ValueTask SendAsync(ReadOnlyMemory<byte> buffer) => SendAsync(new ReadOnlySequence<byte>(buffer));

    /// <summary>Sends all of <paramref name="buffer"/>, segments gathered into one sendmsg; the buffer must stay valid until the send completes.</summary>
    public ValueTask SendAsync(ReadOnlySequence<byte> buffer)
    {
        if (_closed)
        {
            return ValueTask.FromException(Aborted());
        }

        while (!buffer.IsEmpty)
        {
            var edges = Volatile.Read(ref _writeEdges);
            if (edges == _blockedAt)
            {
                lock (_gate)
                {
                    if (_closed)
                    {
                        return ValueTask.FromException(Aborted());
                    }

                    if (_writeEdges == _blockedAt)
                    {
                        _sendRemaining = buffer;
                        _sendWaiting = true;
                        return _send.StartWithoutResult();
                    }
                }

                continue;
            }

            var sent = TrySend(buffer, edges, out var errno);
            if (sent == Failed)
            {
                return ValueTask.FromException(errno == 0 ? Aborted() : Error(errno));
            }

            if (sent > 0)
            {
                buffer = buffer.Slice(sent);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Waits for the first writable edge (a connect finishing); the socket must have been registered after <see cref="_blockedAt"/> was set to 0.</summary>
    private ValueTask WaitWritableAsync()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return ValueTask.FromException(Aborted());
            }

            if (_writeEdges != _blockedAt)
            {
                return ValueTask.CompletedTask;
            }

            _sendRemaining = ReadOnlySequence<byte>.Empty;
            _sendWaiting = true;
            return _send.StartWithoutResult();
        }
    }

    /// <summary>One send or sendmsg: bytes taken (the socket marked full at <paramref name="edges"/> when not all), <see cref="WouldBlock"/> or <see cref="Failed"/>.</summary>
    [System.Runtime.CompilerServices.SkipLocalsInit]
    private unsafe nint TrySend(in ReadOnlySequence<byte> buffer, int edges, out int errno)
    {
        errno = 0;
        nint sent;
        nint offered;
        var vectors = stackalloc IoVector[MaxVectors];
        try
        {
            using var call = Enter();
            do
            {
                if (buffer.IsSingleSegment)
                {
                    offered = buffer.FirstSpan.Length;
                    fixed (byte* start = buffer.FirstSpan)
                    {
                        sent = EpollNative.Send(Descriptor, start, offered, MSG_NOSIGNAL);
                    }
                }
                else
                {
                    sent = SendPinned(buffer, buffer.Start, vectors, 0, out offered);
                }
            }
            while (sent < 0 && (errno = Marshal.GetLastPInvokeError()) == EINTR);
        }
        catch (ObjectDisposedException)
        {
            return Failed;
        }

        if (sent >= 0)
        {
            if (sent < offered)
            {
                // The kernel took less than offered: its send buffer is full until a writable edge says otherwise.
                _blockedAt = edges;
            }

            return sent;
        }

        if (errno == EAGAIN)
        {
            _blockedAt = edges;
            return WouldBlock;
        }

        return Failed;
    }

    /// <summary>Pins one segment per frame (a fixed statement costs nothing) and sends them all in one sendmsg at the bottom.</summary>
    private unsafe nint SendPinned(in ReadOnlySequence<byte> buffer, SequencePosition position, IoVector* vectors, int count, out nint offered)
    {
        if (count < MaxVectors && buffer.TryGet(ref position, out var segment))
        {
            fixed (byte* start = segment.Span)
            {
                vectors[count] = new IoVector { Base = start, Length = (nuint)segment.Length };
                return SendPinned(buffer, position, vectors, count + 1, out offered);
            }
        }

        offered = 0;
        for (var i = 0; i < count; i++)
        {
            offered += (nint)vectors[i].Length;
        }

        var message = new MessageHeader { Vectors = vectors, VectorCount = (nuint)count };
        return SendMessage(Descriptor, &message, MSG_NOSIGNAL);
    }

    private void OnWritable()
    {
        bool waiting;
        lock (_gate)
        {
            _writeEdges++;
            waiting = _sendWaiting;
            _sendWaiting = false;
        }

        if (waiting)
        {
            CompleteSend();
        }
    }

    private void CompleteSend()
    {
        while (!_sendRemaining.IsEmpty)
        {
            var edges = Volatile.Read(ref _writeEdges);
            var sent = TrySend(_sendRemaining, edges, out var errno);
            if (sent == Failed)
            {
                _sendRemaining = default;
                _send.Fail(errno == 0 ? Aborted() : Error(errno));
                return;
            }

            if (sent > 0)
            {
                _sendRemaining = _sendRemaining.Slice(sent);
                continue;
            }

            lock (_gate)
            {
                if (!_closed && _writeEdges == _blockedAt)
                {
                    _sendWaiting = true;
                    return;
                }
            }
        }

        _sendRemaining = default;
        _send.Complete(true);
    }

    private void AbortPendingSend()
    {
        bool waiting;
        lock (_gate)
        {
            waiting = _sendWaiting;
            _sendWaiting = false;
        }

        if (waiting)
        {
            _sendRemaining = default;
            _send.Fail(Aborted());
        }
    }
}
