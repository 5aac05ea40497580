using System.Net;

namespace Sprout.Server.Routing.Forwarding;

/// <summary>Parses and matches <see cref="RouterOptions.TrustedProxies"/>.</summary>
public static class ProxyNetworks
{
    /// <summary>An address (<c>10.0.0.7</c>, <c>::1</c>) or a CIDR network (<c>10.0.0.0/8</c>).</summary>
    public static IPNetwork Parse(string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value);
        var trimmed = value.Trim();
        if (trimmed.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.Parse(trimmed);
        }

        var address = IPAddress.Parse(trimmed);
        return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
    }

    /// <summary>True when <paramref name="peer"/> lies in one of <paramref name="networks"/>; IPv4-mapped IPv6 peers match IPv4 networks.</summary>
    public static bool Contains(IReadOnlyList<IPNetwork> networks, IPAddress? peer)
    {
        ArgumentNullException.ThrowIfNull(networks);
        if (peer is null || networks.Count == 0)
        {
            return false;
        }

        var normalized = peer.IsIPv4MappedToIPv6 ? peer.MapToIPv4() : peer;
        for (var i = 0; i < networks.Count; i++)
        {
            if (networks[i].Contains(normalized))
            {
                return true;
            }
        }

        return false;
    }
}
