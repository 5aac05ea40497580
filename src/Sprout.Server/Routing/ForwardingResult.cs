namespace Sprout.Server.Routing;

/// <summary>How forwarding one request went: the failure (if any) and the body bytes moved each way.</summary>
/// <param name="Error"><see cref="ForwarderError.None"/> when the whole response reached the client.</param>
/// <param name="RequestBytes">Request body bytes written to the instance.</param>
/// <param name="ResponseBytes">Response body bytes written to the client.</param>
public readonly record struct ForwardingResult(ForwarderError Error, long RequestBytes, long ResponseBytes);
