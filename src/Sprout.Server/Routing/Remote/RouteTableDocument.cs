namespace Sprout.Server.Routing.Remote;

/// <summary>
/// The routing table as the control plane's feed sends it (<c>GET /api/routing/table</c>) and a
/// remote router applies it: the whole table, never a delta, so one response is enough to be current.
/// </summary>
/// <param name="Epoch">Random per control-plane start; versions restart at 0 with a new epoch.</param>
/// <param name="Version">The <see cref="RouteSnapshot.Version"/> this table was taken from.</param>
/// <param name="Environments">Every routed environment, each listing only the hostnames it answers.</param>
public sealed record RouteTableDocument(string Epoch, long Version, IReadOnlyList<EnvironmentRoute> Environments);
