using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Sprout.Server.Routing.Upstream;
using static Sprout.Server.Routing.Epoll.EpollNative;

namespace Sprout.Server.Routing.Epoll;

/// <summary>
/// A non-blocking TCP socket served by one <see cref="EpollLoop"/>. Unlike .NET's engine, it remembers
/// when the kernel last had nothing to read (a receive that came back short) or no room to write, and
/// then waits for the next edge instead of trying the call first: a keep-alive request costs one
/// receive per side rather than a receive and a failed one. Completions run on the loop's thread.
/// The .NET <see cref="Socket"/> it wraps only creates, connects and closes the descriptor, and keeps
/// it from being reused while a call is in flight.
/// </summary>
internal sealed partial class EpollSocket : IUpstreamSocket
{
    private readonly Socket _socket;
    private readonly SafeSocketHandle _handle;
    private readonly Lock _gate = new();
    private readonly EpollLoop _loop;
    private GCHandle _registration;
    private bool _registered;
    private volatile bool _closed;

    /// <summary>Takes over a connected socket (an accepted client) and starts watching it.</summary>
    public EpollSocket(Socket socket, EpollLoop loop)
    {
        _socket = socket;
        _handle = socket.SafeHandle;
        _loop = loop;
        MakeNonBlocking();
        _registration = loop.Register(Descriptor, this);
        _registered = true;
    }

    /// <summary>A socket still to connect (<see cref="ConnectAsync"/>) to an instance.</summary>
    public EpollSocket(EndPoint address, EpollLoop loop)
    {
        _socket = ManagedUpstreamSocket.NewTcpSocket(address);
        _handle = _socket.SafeHandle;
        _loop = loop;
        MakeNonBlocking();
    }

    public int Affinity => _loop.Index;

    public EndPoint? LocalEndPoint => _socket.LocalEndPoint;

    public EndPoint? RemoteEndPoint => _socket.RemoteEndPoint;

    private int Descriptor => (int)_handle.DangerousGetHandle();

    public unsafe int Available
    {
        get
        {
            var waiting = 0;
            using var call = Enter();
            if (IoControl(Descriptor, FIONREAD, &waiting) != 0)
            {
                throw Error(Marshal.GetLastPInvokeError());
            }

            return waiting;
        }
    }

    public unsafe bool IsReadable()
    {
        byte probe;
        using var call = Enter();
        var received = EpollNative.Receive(Descriptor, &probe, 1, MSG_PEEK | MSG_DONTWAIT);
        return received >= 0 || Marshal.GetLastPInvokeError() != EAGAIN;
    }

    public async ValueTask ConnectAsync(EndPoint address)
    {
        if (address is DnsEndPoint dns)
        {
            var addresses = await Dns.GetHostAddressesAsync(dns.Host);
            address = new IPEndPoint(addresses.FirstOrDefault(candidate => candidate.AddressFamily == _socket.AddressFamily) ?? addresses[0], dns.Port);
        }

        try
        {
            _socket.Connect(address);
        }
        catch (SocketException exception) when (exception.SocketErrorCode is SocketError.WouldBlock or SocketError.InProgress)
        {
            // Connecting; registered only now, so the first writable edge is the connection's.
        }

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_closed, this);
            _blockedAt = 0;
            _registration = _loop.Register(Descriptor, this);
            _registered = true;
        }

        await WaitWritableAsync();
        if (ConnectError() is { } error)
        {
            throw Error(error);
        }
    }

    /// <summary>How the connect ended (SO_ERROR): null when connected.</summary>
    private unsafe int? ConnectError()
    {
        int error;
        var length = sizeof(int);
        using var call = Enter();
        if (GetSocketOption(Descriptor, SOL_SOCKET, SO_ERROR, &error, &length) != 0)
        {
            error = Marshal.GetLastPInvokeError();
        }

        return error == 0 ? null : error;
    }

    /// <summary>
    /// Closes the socket from any thread: a pending receive or send fails with <see cref="SocketError.OperationAborted"/>
    /// (on the loop's thread), and the descriptor is released there once no call holds it.
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
        }

        // Wakes the peer and any receive at once; the rest waits for the loop, which may be dispatching this socket.
        try
        {
            using var call = Enter();
            EpollNative.Shutdown(Descriptor, SHUT_RDWR);
        }
        catch (ObjectDisposedException)
        {
        }

        _loop.Post(static state => ((EpollSocket)state!).Release(), this);
    }

    /// <summary>Called by the loop for every readiness edge.</summary>
    public void OnEvents(uint events)
    {
        if ((events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0)
        {
            OnReadable((events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0);
        }

        if ((events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) != 0)
        {
            OnWritable();
        }
    }

    private void Release()
    {
        if (_registered)
        {
            _registered = false;
            _loop.Unregister(Descriptor, _registration);
        }

        _socket.Dispose();
        AbortPendingReceive();
        AbortPendingSend();
    }

    private void MakeNonBlocking()
    {
        _socket.Blocking = false;
        var flags = FileControl(Descriptor, F_GETFL, 0);
        if (flags >= 0 && (flags & O_NONBLOCK) == 0)
        {
            FileControl(Descriptor, F_SETFL, flags | O_NONBLOCK);
        }
    }

    /// <summary>Holds the descriptor for one call, so a concurrent close cannot hand its number to another socket meanwhile.</summary>
    private DescriptorLease Enter()
    {
        var added = false;
        _handle.DangerousAddRef(ref added);
        return new DescriptorLease(_handle);
    }

    private static SocketException Error(int errno) => new((int)ToSocketError(errno));

    private static SocketException Aborted() => new((int)SocketError.OperationAborted);

    private readonly struct DescriptorLease(SafeSocketHandle handle) : IDisposable
    {
        public void Dispose() => handle.DangerousRelease();
    }
}
