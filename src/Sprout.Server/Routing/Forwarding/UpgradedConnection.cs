using System.Buffers;

namespace Sprout.Server.Routing.Forwarding;

/// <summary>
/// Bridges an upgraded client connection and the instance's connection (after a 101) byte for
/// byte, both ways, until either side ends, both go quiet for the idle timeout, or the router
/// closes it (draining). Closing a WebSocket, on drain or idle timeout, sends each side a close
/// frame (1001 "going away") at a frame boundary and gives them a moment to answer; other
/// protocols are simply shut down.
/// </summary>
internal sealed class UpgradedConnection
{
    private static readonly TimeSpan s_closeHandshakeGrace = TimeSpan.FromSeconds(2);

    private readonly Pump _toInstance;
    private readonly Pump _toClient;
    private readonly ActivityTimeout _activity;
    private readonly CancellationTokenSource _stop;
    private readonly bool _webSocket;
    private volatile bool _closing;

    private UpgradedConnection(Stream client, Stream instance, bool webSocket, ActivityTimeout activity, CancellationTokenSource stop)
    {
        _webSocket = webSocket;
        _activity = activity;
        _stop = stop;
        _toInstance = new Pump(client, instance, webSocket ? new WebSocketFrameTracker() : null, maskClose: true, activity);
        _toClient = new Pump(instance, client, webSocket ? new WebSocketFrameTracker() : null, maskClose: false, activity);
    }

    /// <param name="client">The client's connection, from <see cref="Microsoft.AspNetCore.Http.Features.IHttpUpgradeFeature.UpgradeAsync"/>.</param>
    /// <param name="instance">The instance's connection, the content stream of its 101 response.</param>
    /// <param name="webSocket">Whether the upgrade was to <c>websocket</c>, so frames can be followed.</param>
    /// <param name="idleTimeout">How long both directions may be silent.</param>
    /// <param name="closing">Fires when the router wants the connection gone (draining).</param>
    /// <param name="clientAborted">The client connection's abort token.</param>
    public static async Task<ForwarderError> BridgeAsync(
        Stream client, Stream instance, bool webSocket, TimeSpan idleTimeout, CancellationToken closing, CancellationToken clientAborted)
    {
        using var activity = new ActivityTimeout(idleTimeout, clientAborted);
        using var stop = new CancellationTokenSource();
        var connection = new UpgradedConnection(client, instance, webSocket, activity, stop);
        return await connection.RunAsync(closing);
    }

    private async Task<ForwarderError> RunAsync(CancellationToken closing)
    {
        var toInstance = _toInstance.RunAsync(_stop.Token);
        var toClient = _toClient.RunAsync(_stop.Token);
        PumpOutcome first;
        bool firstWasToInstance;
        using (closing.Register(static state => ((UpgradedConnection)state!).BeginClose(), this))
        using (_activity.Token.UnsafeRegister(static state => ((UpgradedConnection)state!).OnActivityEnded(), this))
        {
            var finished = await Task.WhenAny(toInstance, toClient);
            firstWasToInstance = finished == toInstance;
            first = await finished;
            // One direction is over; the other has nothing left to talk to.
            await _stop.CancelAsync();
            await Task.WhenAll(toInstance, toClient);
        }

        if (_activity.TimedOut)
        {
            return ForwarderError.UpgradeIdleTimedOut;
        }

        if (_closing)
        {
            return ForwarderError.None;
        }

        return first switch
        {
            PumpOutcome.Completed => ForwarderError.None,
            PumpOutcome.SourceFailed => firstWasToInstance ? ForwarderError.UpgradeClient : ForwarderError.UpgradeDestination,
            PumpOutcome.DestinationFailed => firstWasToInstance ? ForwarderError.UpgradeDestination : ForwarderError.UpgradeClient,
            _ => ForwarderError.UpgradeClient,
        };
    }

    private void OnActivityEnded()
    {
        if (_activity.TimedOut)
        {
            // Silent too long: say goodbye like a drain does, rather than just dropping the connection.
            BeginClose();
        }
        else
        {
            // The client connection was aborted; nobody is left to say goodbye to.
            _stop.Cancel();
        }
    }

    private void BeginClose()
    {
        _closing = true;
        if (!_webSocket)
        {
            _stop.Cancel();
            return;
        }

        _stop.CancelAfter(s_closeHandshakeGrace);
        // Both sides must be marked before either close frame leaves: the instance's answering close
        // can race back towards the client before the client's own close frame was written.
        _toInstance.RequestClose();
        _toClient.RequestClose();
        _ = _toInstance.SendCloseAsync(_stop.Token);
        _ = _toClient.SendCloseAsync(_stop.Token);
    }

    private enum PumpOutcome
    {
        Completed,
        SourceFailed,
        DestinationFailed,
        Canceled,
    }

    /// <summary>One direction of the bridge.</summary>
    private sealed class Pump(Stream source, Stream destination, WebSocketFrameTracker? frames, bool maskClose, ActivityTimeout activity)
    {
        private const int BufferSize = 16 * 1024;

        // 1001 "going away" (RFC 6455 §7.4.1) with a short reason.
        private static readonly byte[] s_closePayload = [0x03, 0xE9, .. "going away"u8];

        // Serialises the pump's writes with a close frame injected from outside.
        private readonly SemaphoreSlim _gate = new(1, 1);
        private volatile bool _closeRequested;
        private bool _closeSent;

        public async Task<PumpOutcome> RunAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                byte[]? buffer = null;
                try
                {
                    int read;
                    try
                    {
                        // Wait for data before taking a buffer: idle WebSockets then hold none.
                        _ = await source.ReadAsync(Memory<byte>.Empty, cancellationToken);
                        buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
                        read = await source.ReadAsync(buffer, cancellationToken);
                    }
                    catch (Exception) when (cancellationToken.IsCancellationRequested)
                    {
                        return PumpOutcome.Canceled;
                    }
                    catch (Exception)
                    {
                        return PumpOutcome.SourceFailed;
                    }

                    if (read == 0)
                    {
                        return PumpOutcome.Completed;
                    }

                    activity.Reset();
                    try
                    {
                        await _gate.WaitAsync(cancellationToken);
                        try
                        {
                            await ForwardAsync(buffer.AsMemory(0, read), cancellationToken);
                        }
                        finally
                        {
                            _gate.Release();
                        }
                    }
                    catch (Exception) when (cancellationToken.IsCancellationRequested)
                    {
                        return PumpOutcome.Canceled;
                    }
                    catch (Exception)
                    {
                        return PumpOutcome.DestinationFailed;
                    }

                    activity.Reset();
                }
                finally
                {
                    if (buffer is not null)
                    {
                        ArrayPool<byte>.Shared.Return(buffer);
                    }
                }
            }
        }

        /// <summary>From now on the pump sends a close frame at the next frame boundary and forwards nothing after it.</summary>
        public void RequestClose() => _closeRequested = true;

        /// <summary>Sends the close frame now if the stream is between frames; otherwise the pump sends it at the next boundary.</summary>
        public async Task SendCloseAsync(CancellationToken cancellationToken)
        {
            RequestClose();
            try
            {
                await _gate.WaitAsync(cancellationToken);
                try
                {
                    if (!_closeSent && frames is { AtBoundary: true })
                    {
                        await WriteCloseFrameAsync(cancellationToken);
                        await destination.FlushAsync(cancellationToken);
                    }
                }
                finally
                {
                    _gate.Release();
                }
            }
            catch (Exception)
            {
                // The side is gone or the grace ran out; the bridge is being torn down either way.
            }
        }

        private async ValueTask ForwardAsync(Memory<byte> data, CancellationToken cancellationToken)
        {
            if (_closeSent)
            {
                // This side was told the connection is going away; what still comes is the other
                // side's half of the close handshake, which it must not see after its own close.
                return;
            }

            var forward = frames?.Advance(data.Span, stopAtBoundary: _closeRequested) ?? data.Length;
            if (forward > 0)
            {
                await destination.WriteAsync(data[..forward], cancellationToken);
            }

            if (_closeRequested && frames is { AtBoundary: true })
            {
                await WriteCloseFrameAsync(cancellationToken);
            }

            await destination.FlushAsync(cancellationToken);
        }

        private async ValueTask WriteCloseFrameAsync(CancellationToken cancellationToken)
        {
            _closeSent = true;
            var payload = s_closePayload;
            byte[] frame;
            if (maskClose)
            {
                // Frames towards a server must be masked (RFC 6455 §5.3).
                frame = new byte[2 + 4 + payload.Length];
                frame[1] = (byte)(0x80 | payload.Length);
                Random.Shared.NextBytes(frame.AsSpan(2, 4));
                for (var i = 0; i < payload.Length; i++)
                {
                    frame[6 + i] = (byte)(payload[i] ^ frame[2 + (i % 4)]);
                }
            }
            else
            {
                frame = new byte[2 + payload.Length];
                frame[1] = (byte)payload.Length;
                payload.CopyTo(frame, 2);
            }

            frame[0] = 0x88; // FIN + close
            await destination.WriteAsync(frame, cancellationToken);
        }
    }
}
