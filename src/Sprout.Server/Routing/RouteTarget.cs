namespace Sprout.Server.Routing;

/// <summary>One instance the router may send requests to.</summary>
public sealed record RouteTarget(string InstanceId, string Host, int Port);
