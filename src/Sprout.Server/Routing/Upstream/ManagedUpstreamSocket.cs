using System.Net;
using System.Net.Sockets;

namespace Sprout.Server.Routing.Upstream;

/// <summary>An instance connection on .NET's own socket engine (the default transport).</summary>
internal sealed class ManagedUpstreamSocket : IUpstreamSocket
{
    private readonly Socket _socket;

    public ManagedUpstreamSocket(EndPoint address) => _socket = NewTcpSocket(address);

    /// <summary>An unconnected TCP socket for <paramref name="address"/> (dual-stack for a host name), Nagle off: requests go out whole.</summary>
    public static Socket NewTcpSocket(EndPoint address)
    {
        var socket = address is IPEndPoint ip ? new Socket(ip.AddressFamily, SocketType.Stream, ProtocolType.Tcp) : new Socket(SocketType.Stream, ProtocolType.Tcp);
        socket.NoDelay = true;
        return socket;
    }

    public int Affinity => -1;

    public int Available => _socket.Available;

    public ValueTask ConnectAsync(EndPoint address) => _socket.ConnectAsync(address, CancellationToken.None);

    public ValueTask<int> ReceiveAsync(Memory<byte> buffer) => _socket.ReceiveAsync(buffer, SocketFlags.None);

    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    public async ValueTask SendAsync(ReadOnlyMemory<byte> buffer) => await _socket.SendAsync(buffer, SocketFlags.None);

    public bool IsReadable() => _socket.Poll(0, SelectMode.SelectRead);

    public void Dispose() => _socket.Dispose();
}
