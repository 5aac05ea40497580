namespace Sprout.Server.Routing.Forwarding;

/// <summary>
/// The id of a forwarded request, as sent to the instance and back to the client in
/// <c>X-Request-Id</c>. Set on <see cref="Microsoft.AspNetCore.Http.HttpContext.Features"/> by the
/// forwarder before it contacts the instance; read it with <see cref="RequestIds.Of"/>.
/// </summary>
public interface IRequestIdFeature
{
    string RequestId { get; }
}
