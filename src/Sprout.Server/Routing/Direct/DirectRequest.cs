namespace Sprout.Server.Routing.Direct;

/// <summary>What the direct path keeps of a request once its head has been turned into the instance's.</summary>
/// <param name="RequestId">The client's acceptable <c>X-Request-Id</c>, or a new one, as ASCII bytes the connection keeps until its next request.</param>
/// <param name="IsHead">A HEAD request: the response has no body whatever its headers say.</param>
/// <param name="ConnectionClose">The client asked to close the connection after this response.</param>
/// <param name="SetCookie">The stickiness cookie to set, when the client is not yet stuck to the chosen instance.</param>
internal readonly record struct DirectRequest(ReadOnlyMemory<byte> RequestId, bool IsHead, bool ConnectionClose, string? SetCookie);
