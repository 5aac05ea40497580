using System.Runtime.InteropServices;
using static Sprout.Server.Routing.Epoll.EpollNative;

namespace Sprout.Server.Routing.Epoll;

internal sealed partial class EpollSocket
{
    private const nint WouldBlock = -1;
    private const nint Failed = -2;

    private readonly LoopCompletion<int> _receive = new();

    // Readable edges seen, and the count at which a receive last found nothing more: equal means wait.
    private int _readEdges;
    private int _drainedAt = -1;
    private bool _receiveWaiting;

    // The peer's FIN, a reset or an error was reported: it may have come with the last data, in the same edge,
    // so the socket is never treated as drained again (the next receive returns 0 or the error at once).
    private volatile bool _readEnded;

    private Memory<byte> _receiveBuffer;

    /// <summary>Whether the loop has seen the peer's FIN (or a reset or error) on this socket.</summary>
    internal bool ReadEnded => _readEnded;

    // Called when the read side ends; see WatchReadEnd.
    private Action<object?>? _readEndedCallback;
    private object? _readEndedState;

    /// <summary>
    /// Has <paramref name="callback"/> called on the loop's thread the first time the peer's FIN, a reset or an error
    /// is seen, whether or not a receive is waiting: how a reader that is not receiving (a request in flight) learns
    /// its client left. Null stops it. Returns whether that already happened, in which case nothing will call it.
    /// </summary>
    public bool WatchReadEnd(Action<object?>? callback, object? state)
    {
        lock (_gate)
        {
            _readEndedCallback = callback;
            _readEndedState = state;
            return _readEnded;
        }
    }

    /// <summary>
    /// Completes with 0 once a receive may find bytes or the end of the stream, taking none: a reader that waits
    /// this way holds no buffer while its client is quiet (an idle keep-alive connection).
    /// </summary>
    public ValueTask<int> WaitReadableAsync() => ReceiveAsync(Memory<byte>.Empty);

    /// <summary>
    /// Receives at least one byte, or 0 at the end of the stream; waits for an edge only when the last receive
    /// emptied the socket. An empty <paramref name="buffer"/> only waits (<see cref="WaitReadableAsync"/>).
    /// </summary>
    public ValueTask<int> ReceiveAsync(Memory<byte> buffer)
    {
        if (_closed)
        {
            return ValueTask.FromException<int>(Aborted());
        }

        while (true)
        {
            var edges = Volatile.Read(ref _readEdges);
            if (edges == _drainedAt)
            {
                lock (_gate)
                {
                    if (_closed)
                    {
                        return ValueTask.FromException<int>(Aborted());
                    }

                    if (_readEdges == _drainedAt)
                    {
                        _receiveBuffer = buffer;
                        _receiveWaiting = true;
                        return _receive.Start();
                    }
                }

                continue;
            }

            var received = buffer.IsEmpty ? TryPeek(edges, out var errno) : TryReceive(buffer.Span, edges, out errno);
            if (received >= 0)
            {
                return ValueTask.FromResult(buffer.IsEmpty ? 0 : (int)received);
            }

            if (received == Failed)
            {
                return ValueTask.FromException<int>(errno == 0 ? Aborted() : Error(errno));
            }
        }
    }

    /// <summary>
    /// A wait for data looks without taking (MSG_PEEK): the edge it would trust may be one that a receive already
    /// emptied before the loop counted it. 1 when a byte is there, otherwise as <see cref="TryReceive"/>.
    /// </summary>
    private nint TryPeek(int edges, out int errno)
    {
        Span<byte> one = stackalloc byte[1];
        return TryReceive(one, edges, out errno, MSG_PEEK);
    }

    /// <summary>One recv: the bytes, 0 at the end, <see cref="WouldBlock"/> (and the socket marked drained at <paramref name="edges"/>) or <see cref="Failed"/>.</summary>
    private unsafe nint TryReceive(Span<byte> buffer, int edges, out int errno, int flags = 0)
    {
        errno = 0;
        nint received;
        try
        {
            using var call = Enter();
            fixed (byte* start = buffer)
            {
                do
                {
                    received = EpollNative.Receive(Descriptor, start, buffer.Length, flags);
                }
                while (received < 0 && (errno = Marshal.GetLastPInvokeError()) == EINTR);
            }
        }
        catch (ObjectDisposedException)
        {
            return Failed;
        }

        if (received > 0)
        {
            if (received < buffer.Length && !_readEnded)
            {
                // A short read emptied the receive queue; the next data raises a new edge.
                _drainedAt = edges;
            }

            return received;
        }

        if (received == 0)
        {
            return 0;
        }

        if (errno == EAGAIN)
        {
            // Nothing there now, whatever the flags said: wait for the next edge rather than ask again at once.
            _drainedAt = edges;
            return WouldBlock;
        }

        return Failed;
    }

    private void OnReadable(bool ended)
    {
        bool waiting;
        Action<object?>? endedCallback = null;
        object? endedState = null;
        lock (_gate)
        {
            if (ended && !_readEnded)
            {
                _readEnded = true;
                endedCallback = _readEndedCallback;
                endedState = _readEndedState;
            }

            _readEdges++;
            waiting = _receiveWaiting;
            _receiveWaiting = false;
        }

        if (waiting)
        {
            CompleteReceive();
        }

        endedCallback?.Invoke(endedState);
    }

    /// <summary>
    /// Ends a receive that is waiting for an edge with <see cref="OperationCanceledException"/>, on the loop's thread;
    /// the socket stays open. Nothing happens when no receive is waiting by the time the loop gets to it.
    /// </summary>
    public void CancelPendingReceive() => _loop.Post(static state => ((EpollSocket)state!).FailWaitingReceive(new OperationCanceledException()), this);

    private void CompleteReceive()
    {
        if (_receiveBuffer.IsEmpty)
        {
            // A wait for data, not a receive: the reader receives once it has a buffer again.
            _receive.Complete(0);
            return;
        }

        while (true)
        {
            var edges = Volatile.Read(ref _readEdges);
            var received = TryReceive(_receiveBuffer.Span, edges, out var errno);
            if (received >= 0)
            {
                _receiveBuffer = default;
                _receive.Complete((int)received);
                return;
            }

            if (received == Failed)
            {
                _receiveBuffer = default;
                _receive.Fail(errno == 0 ? Aborted() : Error(errno));
                return;
            }

            lock (_gate)
            {
                if (!_closed && _readEdges == _drainedAt)
                {
                    _receiveWaiting = true;
                    return;
                }
            }
        }
    }

    private void AbortPendingReceive() => FailWaitingReceive(failure: null);

    /// <summary>Ends a receive waiting for an edge, if one is, with <paramref name="failure"/> (null: aborted by the close).</summary>
    private void FailWaitingReceive(Exception? failure)
    {
        bool waiting;
        lock (_gate)
        {
            waiting = _receiveWaiting;
            _receiveWaiting = false;
        }

        if (waiting)
        {
            _receiveBuffer = default;
            _receive.Fail(failure ?? Aborted());
        }
    }
}
