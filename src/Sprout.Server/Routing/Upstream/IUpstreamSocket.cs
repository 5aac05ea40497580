using System.Net;

namespace Sprout.Server.Routing.Upstream;

/// <summary>
/// The socket under an <see cref="UpstreamConnection"/>: .NET's (<see cref="ManagedUpstreamSocket"/>) or
/// Sprout's epoll transport (<see cref="Epoll.EpollSocket"/>). Failures surface as
/// <see cref="System.Net.Sockets.SocketException"/> with .NET's error codes either way, and disposing it
/// fails a pending receive or send, which is how the watchdog cuts a connection.
/// </summary>
internal interface IUpstreamSocket : IDisposable
{
    /// <summary>The epoll loop its completions run on (<see cref="Epoll.EpollLoop.Index"/>), or -1 for any thread.</summary>
    int Affinity { get; }

    ValueTask ConnectAsync(EndPoint address);

    /// <summary>Receives at least one byte, or 0 when the instance closed its side.</summary>
    ValueTask<int> ReceiveAsync(Memory<byte> buffer);

    /// <summary>Sends all of <paramref name="buffer"/>.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> buffer);

    /// <summary>Bytes received and not yet read (one ioctl).</summary>
    int Available { get; }

    /// <summary>Whether a receive would not wait: data, end of stream or an error is there.</summary>
    bool IsReadable();
}
