using System.Net;
using System.Net.Sockets;

namespace Sprout.Server.Environments;

/// <summary>Hands out instance ports from a range: not used by a live instance, not reserved by a launch in progress, and bindable right now.</summary>
internal sealed class PortAllocator(int first, int last)
{
    private readonly int _first = first;
    private readonly int _last = last;
    private readonly Lock _gate = new();
    private readonly HashSet<int> _reserved = [];
    // A random starting point: two servers on one host (or a server and a test run) would otherwise
    // both hand out the range's first ports, and a port checked free can be taken before its app binds it.
    private int _next = first + Random.Shared.Next(last - first + 1);

    public int Allocate(IReadOnlyCollection<int> inUse)
    {
        lock (_gate)
        {
            for (var attempt = 0; attempt <= _last - _first; attempt++)
            {
                var port = _next;
                _next = _next >= _last ? _first : _next + 1;
                if (_reserved.Contains(port) || inUse.Contains(port) || !IsFree(port))
                {
                    continue;
                }

                _reserved.Add(port);
                return port;
            }
        }

        throw new InvalidOperationException($"No free instance port between {_first} and {_last}.");
    }

    /// <summary>Ends the reservation once the port is recorded in the store (or the launch failed).</summary>
    public void Release(int port)
    {
        lock (_gate)
        {
            _reserved.Remove(port);
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            listener.Stop();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
