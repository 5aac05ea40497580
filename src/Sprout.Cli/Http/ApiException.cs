using System.Net;

namespace Sprout.Cli.Http;

/// <summary>The server answered a call with 4xx/5xx. <see cref="Error"/> is its stable code ("application_exists", …) when it sent an ErrorDto.</summary>
public sealed class ApiException(HttpStatusCode statusCode, string? error, string message)
    : Exception(message)
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    public string? Error { get; } = error;
}
