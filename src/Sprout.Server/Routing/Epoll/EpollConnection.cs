using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace Sprout.Server.Routing.Epoll;

/// <summary>
/// A client connection on the epoll transport, as Kestrel sees it: a duplex pipe fed by a receive loop
/// and drained by a send loop over one <see cref="EpollSocket"/>. Both pipes schedule inline, so a
/// request is parsed, routed and answered on the loop thread that received it. The lifecycle follows
/// Kestrel's socket transport: the receive loop's end (FIN, reset, abort) fires
/// <see cref="ConnectionClosed"/>; the send loop's end shuts the socket down.
/// <para>
/// The pipes start only when something first asks for <see cref="Transport"/>. The router's direct path
/// asks for the socket instead (<see cref="IDirectTransportFeature"/>) and reads and writes it itself,
/// without the pipes' work on every request; it starts the pipes when it hands a request to Kestrel.
/// </para>
/// </summary>
internal sealed class EpollConnection : ConnectionContext, IDirectTransportFeature,
    IConnectionIdFeature, IConnectionTransportFeature, IConnectionItemsFeature, IMemoryPoolFeature, IConnectionLifetimeFeature, IConnectionEndPointFeature
{
    // Kestrel's socket transport defaults: 1 MiB of unread request bytes, 64 KiB of unsent response bytes.
    private const long MaxReadBufferSize = 1024 * 1024;
    private const long MaxWriteBufferSize = 64 * 1024;
    private const int MinReceiveSize = 2048;

    private static long s_lastId;

    private readonly EpollSocket _socket;
    private readonly Pipe _input;
    private readonly Pipe _output;
    private readonly CancellationTokenSource _closed = new();
    private readonly TaskCompletionSource _closedFired = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Guards the switch between modes and the shutdown, which both happen once.
    private readonly Lock _stateGate = new();
    private readonly long _id = Interlocked.Increment(ref s_lastId);
    private string? _connectionId;
    private IDictionary<object, object?>? _items;
    private Exception? _shutdownReason;
    private bool _shutDown;
    private int _closedQueued;
    private Task _processing = Task.CompletedTask;
    private IDuplexPipe _transport;
    private Mode _mode;
    private DirectSocketReader? _directReader;
    private DirectSocketWriter? _directWriter;

    public EpollConnection(EpollSocket socket, MemoryPool<byte> memoryPool)
    {
        _socket = socket;
        MemoryPool = memoryPool;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        var minimumSegment = memoryPool.MaxBufferSize is > 0 and < 4096 ? memoryPool.MaxBufferSize : 4096;
        _input = new Pipe(new PipeOptions(memoryPool, PipeScheduler.Inline, PipeScheduler.Inline, MaxReadBufferSize, MaxReadBufferSize / 2, minimumSegment, useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(memoryPool, PipeScheduler.Inline, PipeScheduler.Inline, MaxWriteBufferSize, MaxWriteBufferSize / 2, minimumSegment, useSynchronizationContext: false));
        _transport = new DuplexPipe(_input.Reader, _output.Writer);
        ConnectionClosed = _closed.Token;
        Features = new FeatureCollection();
        Features.Set<IConnectionIdFeature>(this);
        Features.Set<IConnectionTransportFeature>(this);
        Features.Set<IConnectionItemsFeature>(this);
        Features.Set<IMemoryPoolFeature>(this);
        Features.Set<IConnectionLifetimeFeature>(this);
        Features.Set<IConnectionEndPointFeature>(this);
        Features.Set<IDirectTransportFeature>(this);
    }

    private enum Mode
    {
        /// <summary>Accepted; nothing reads or writes yet.</summary>
        Waiting,

        /// <summary>The direct path reads and writes the socket itself.</summary>
        Direct,

        /// <summary>The receive and send loops run the pipes.</summary>
        Pipes,
    }

    public override string ConnectionId
    {
        get => _connectionId ??= "epoll-" + _id.ToString("x", System.Globalization.CultureInfo.InvariantCulture);
        set => _connectionId = value;
    }

    public override IFeatureCollection Features { get; }

    public override IDictionary<object, object?> Items
    {
        get => _items ??= new ConnectionItems();
        set => _items = value;
    }

    /// <summary>The connection's pipes, started by the first call (unless the direct path took the socket first).</summary>
    public override IDuplexPipe Transport
    {
        get
        {
            if (_mode == Mode.Waiting)
            {
                StartPipes(unread: null);
            }

            return _transport;
        }

        set => _transport = value;
    }

    public MemoryPool<byte> MemoryPool { get; }

    public IDuplexPipe? TakeSocket()
    {
        lock (_stateGate)
        {
            if (_mode != Mode.Waiting)
            {
                return null;
            }

            _mode = Mode.Direct;
        }

        _directReader = new DirectSocketReader(_socket, this);
        _directWriter = new DirectSocketWriter(_socket, this);
        if (_socket.WatchReadEnd(static state => ((EpollConnection)state!).OnDirectReadEnded(), this))
        {
            // The client left (or half-closed) before this: what the pipes' receive loop would have reported.
            FireConnectionClosed();
        }

        return new DuplexPipe(_directReader, _directWriter);
    }

    public void StartPipes()
    {
        var unread = _directReader?.TakeUnread();
        _directWriter?.Complete();
        StartPipes(unread);
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        Shutdown(abortReason);
        _output.Reader.CancelPendingRead();
    }

    /// <summary>Called by Kestrel once the connection's middleware is done.</summary>
    public override async ValueTask DisposeAsync()
    {
        bool pipes;
        lock (_stateGate)
        {
            pipes = _mode == Mode.Pipes;
            _mode = Mode.Pipes; // nothing starts after this
        }

        if (pipes)
        {
            await _transport.Input.CompleteAsync();
            await _transport.Output.CompleteAsync();
            await _processing;
        }
        else
        {
            // As the send loop's end would: the socket is shut down, then the connection reported closed.
            _directReader?.Complete();
            _directWriter?.Complete();
            Shutdown(null);
            FireConnectionClosed();
            await _closedFired.Task;
        }

        _closed.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>The direct reader saw the end of the client's bytes; what it should throw (the shutdown's reason, if any, comes first).</summary>
    internal Exception? DirectReceiveEnded(Exception? error)
    {
        FireConnectionClosed();
        return Volatile.Read(ref _shutdownReason) ?? error;
    }

    /// <summary>What Kestrel's code expects for a failed socket call: an abort (the router closed it) or a reset.</summary>
    internal static Exception ClientError(SocketException exception) => exception.SocketErrorCode is SocketError.OperationAborted
        ? new ConnectionAbortedException(exception.Message, exception)
        : new ConnectionResetException(exception.Message, exception);

    /// <summary>The direct writer's send failed: the connection is shut down as the send loop would.</summary>
    internal void DirectSendFailed(Exception reason) => Shutdown(reason);

    /// <summary>Starts the receive and send loops with <paramref name="unread"/> already in the input pipe.</summary>
    private void StartPipes(byte[]? unread)
    {
        lock (_stateGate)
        {
            if (_mode == Mode.Pipes)
            {
                return;
            }

            _mode = Mode.Pipes;
        }

        // From here the receive loop reports the client's leaving.
        _socket.WatchReadEnd(null, null);
        if (unread is { Length: > 0 })
        {
            var input = _input.Writer;
            unread.CopyTo(input.GetSpan(unread.Length));
            input.Advance(unread.Length);
        }

        // The loops need nothing from the caller's execution context, so they do not flow it.
        using var suppressed = ExecutionContext.SuppressFlow();
        _processing = RunAsync();
    }

    private void OnDirectReadEnded()
    {
        if (_mode == Mode.Direct)
        {
            FireConnectionClosed();
        }
    }

    private async Task RunAsync()
    {
        var receiving = ReceiveLoopAsync();
        var sending = SendLoopAsync();
        await receiving;
        await sending;
        await _closedFired.Task;
        _socket.Dispose();
    }

    private async Task ReceiveLoopAsync()
    {
        Exception? error = null;
        var input = _input.Writer;
        try
        {
            // Bytes the direct path read before it handed the connection over come first.
            if (input.UnflushedBytes > 0 && await input.FlushAsync() is { IsCompleted: true } or { IsCanceled: true })
            {
                return;
            }

            while (true)
            {
                var memory = input.GetMemory(MinReceiveSize);
                var received = await _socket.ReceiveAsync(memory);
                if (received == 0)
                {
                    break;
                }

                input.Advance(received);
                var flushed = await input.FlushAsync();
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown)
        {
            error = new ConnectionResetException(exception.Message, exception);
        }
        catch (Exception exception)
        {
            error = exception;
        }
        finally
        {
            // When the connection was shut down on purpose, that is why the receive ended, whatever it reported.
            await input.CompleteAsync(Volatile.Read(ref _shutdownReason) ?? error);
            FireConnectionClosed();
        }
    }

    private async Task SendLoopAsync()
    {
        Exception? shutdownReason = null;
        Exception? unexpected = null;
        var output = _output.Reader;
        try
        {
            while (true)
            {
                var result = await output.ReadAsync();
                if (result.IsCanceled)
                {
                    break;
                }

                var buffer = result.Buffer;
                if (!buffer.IsEmpty)
                {
                    await _socket.SendAsync(buffer);
                }

                output.AdvanceTo(buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.ConnectionReset or SocketError.Shutdown)
        {
            shutdownReason = new ConnectionResetException(exception.Message, exception);
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.OperationAborted)
        {
            shutdownReason = exception;
        }
        catch (Exception exception)
        {
            shutdownReason = exception;
            unexpected = exception;
        }
        finally
        {
            Shutdown(shutdownReason);
            await output.CompleteAsync(unexpected);
            _input.Writer.CancelPendingFlush();
        }
    }

    private void Shutdown(Exception? reason)
    {
        lock (_stateGate)
        {
            if (_shutDown)
            {
                return;
            }

            _shutDown = true;
            Volatile.Write(ref _shutdownReason, reason ?? new ConnectionAbortedException("The epoll transport's send loop completed gracefully."));
        }

        _socket.Dispose();
    }

    private void FireConnectionClosed()
    {
        if (Interlocked.Exchange(ref _closedQueued, 1) != 0)
        {
            return;
        }

        // Off the loop thread: the token's callbacks are other code, and may take their time.
        ThreadPool.UnsafeQueueUserWorkItem(static connection =>
        {
            connection._closed.Cancel();
            connection._closedFired.TrySetResult();
        }, this, preferLocal: false);
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
