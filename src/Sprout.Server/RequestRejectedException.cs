namespace Sprout.Server;

/// <summary>A request refused for a reason the caller can fix; the API turns it into an ErrorDto with this status.</summary>
internal sealed class RequestRejectedException(int statusCode, string code, string message) : Exception(message)
{
    public int StatusCode { get; } = statusCode;

    public string Code { get; } = code;

    public static RequestRejectedException NotFound(string code, string message) => new(404, code, message);

    public static RequestRejectedException Invalid(string code, string message) => new(400, code, message);
}
