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
/// </summary>
internal sealed class EpollConnection : ConnectionContext,
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
    private readonly Lock _shutdownGate = new();
    private readonly long _id = Interlocked.Increment(ref s_lastId);
    private string? _connectionId;
    private IDictionary<object, object?>? _items;
    private Exception? _shutdownReason;
    private bool _shutDown;
    private int _closedQueued;
    private Task _processing = Task.CompletedTask;

    public EpollConnection(EpollSocket socket, MemoryPool<byte> memoryPool)
    {
        _socket = socket;
        MemoryPool = memoryPool;
        LocalEndPoint = socket.LocalEndPoint;
        RemoteEndPoint = socket.RemoteEndPoint;
        var minimumSegment = memoryPool.MaxBufferSize is > 0 and < 4096 ? memoryPool.MaxBufferSize : 4096;
        _input = new Pipe(new PipeOptions(memoryPool, PipeScheduler.Inline, PipeScheduler.Inline, MaxReadBufferSize, MaxReadBufferSize / 2, minimumSegment, useSynchronizationContext: false));
        _output = new Pipe(new PipeOptions(memoryPool, PipeScheduler.Inline, PipeScheduler.Inline, MaxWriteBufferSize, MaxWriteBufferSize / 2, minimumSegment, useSynchronizationContext: false));
        Transport = new DuplexPipe(_input.Reader, _output.Writer);
        ConnectionClosed = _closed.Token;
        Features = new FeatureCollection();
        Features.Set<IConnectionIdFeature>(this);
        Features.Set<IConnectionTransportFeature>(this);
        Features.Set<IConnectionItemsFeature>(this);
        Features.Set<IMemoryPoolFeature>(this);
        Features.Set<IConnectionLifetimeFeature>(this);
        Features.Set<IConnectionEndPointFeature>(this);
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

    public override IDuplexPipe Transport { get; set; }

    public MemoryPool<byte> MemoryPool { get; }

    /// <summary>Starts the receive and send loops, which need nothing from the caller's execution context (so they do not flow it).</summary>
    public void Start()
    {
        using var suppressed = ExecutionContext.SuppressFlow();
        _processing = RunAsync();
    }

    public override void Abort(ConnectionAbortedException abortReason)
    {
        Shutdown(abortReason);
        _output.Reader.CancelPendingRead();
    }

    /// <summary>Called by Kestrel once the connection's middleware is done.</summary>
    public override async ValueTask DisposeAsync()
    {
        await Transport.Input.CompleteAsync();
        await Transport.Output.CompleteAsync();
        await _processing;
        _closed.Dispose();
        await base.DisposeAsync();
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
        lock (_shutdownGate)
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
