namespace Sprout.Server.Routing.Upstream;

/// <summary>An instance sent something that is not a valid HTTP/1.1 response (logged with the 502 it causes).</summary>
internal sealed class InvalidResponseException(string message) : Exception(message);
