using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;

namespace Sprout.Server.Routing.Epoll;

/// <summary>
/// A listening socket of the epoll transport. Accepting stays with .NET's engine (it happens once per
/// client connection, not per request); every accepted socket moves to the next <see cref="EpollLoop"/>.
/// </summary>
internal sealed class EpollConnectionListener : IConnectionListener
{
    private readonly Socket _listener;
    private readonly EpollLoopGroup _loops;
    private readonly MemoryPool<byte> _memoryPool;

    private EpollConnectionListener(Socket listener, EpollLoopGroup loops, MemoryPool<byte> memoryPool)
    {
        _listener = listener;
        _loops = loops;
        _memoryPool = memoryPool;
        EndPoint = listener.LocalEndPoint!;
    }

    public EndPoint EndPoint { get; }

    public static EpollConnectionListener Bind(IPEndPoint address, EpollLoopGroup loops, MemoryPool<byte> memoryPool, int backlog)
    {
        var listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (address.Address.Equals(IPAddress.IPv6Any))
            {
                listener.DualMode = true;
            }

            listener.Bind(address);
            listener.Listen(backlog);
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            listener.Dispose();
            throw new AddressInUseException(exception.Message, exception);
        }
        catch
        {
            listener.Dispose();
            throw;
        }

        return new EpollConnectionListener(listener, loops, memoryPool);
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Socket accepted;
            try
            {
                accepted = await _listener.AcceptAsync(cancellationToken);
            }
            catch (ObjectDisposedException)
            {
                return null;
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.OperationAborted)
            {
                return null;
            }
            catch (SocketException)
            {
                // The client left before it was accepted (a reset in the backlog): take the next one.
                continue;
            }

            try
            {
                accepted.NoDelay = true;
                // Nothing runs on it yet: the first middleware takes the socket (the direct path) or starts the pipes.
                return new EpollConnection(new EpollSocket(accepted, _loops.Next()), _memoryPool);
            }
            catch (SocketException)
            {
                accepted.Dispose();
            }
        }
    }

    public ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _listener.Dispose();
        return ValueTask.CompletedTask;
    }
}
