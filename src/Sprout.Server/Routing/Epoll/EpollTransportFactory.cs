using System.Buffers;
using System.Net;
using Microsoft.AspNetCore.Connections;

namespace Sprout.Server.Routing.Epoll;

/// <summary>
/// Kestrel's transport for the router's listeners when <see cref="RouterOptions.Transport"/> is
/// <see cref="RouterTransport.Epoll"/>: TCP on IP endpoints, served by the router's <see cref="EpollLoopGroup"/>.
/// </summary>
internal sealed class EpollTransportFactory : IConnectionListenerFactory, IConnectionListenerFactorySelector, IDisposable
{
    private const int Backlog = 512;

    private readonly EpollLoopGroup _loops;
    private readonly MemoryPool<byte> _memoryPool;

    public EpollTransportFactory(EpollLoopGroup loops, IMemoryPoolFactory<byte>? memoryPools)
    {
        _loops = loops;
        _memoryPool = memoryPools?.Create(new MemoryPoolOptions()) ?? MemoryPool<byte>.Shared;
    }

    public bool CanBind(EndPoint endpoint) => endpoint is IPEndPoint;

    public ValueTask<IConnectionListener> BindAsync(EndPoint endpoint, CancellationToken cancellationToken = default)
    {
        if (endpoint is not IPEndPoint address)
        {
            throw new NotSupportedException($"The epoll transport listens on IP endpoints only, not {endpoint}.");
        }

        return ValueTask.FromResult<IConnectionListener>(EpollConnectionListener.Bind(address, _loops, _memoryPool, Backlog));
    }

    public void Dispose() => _memoryPool.Dispose();
}
