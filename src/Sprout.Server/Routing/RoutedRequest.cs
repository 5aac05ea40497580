namespace Sprout.Server.Routing;

/// <summary>One request the router routed to an environment, as its observer hears of it.</summary>
/// <param name="EnvironmentName">The environment whose instance served (or was to serve) the request.</param>
/// <param name="GroupName">The target group chosen; empty when none was available.</param>
/// <param name="InstanceId">The instance chosen; empty when none was available.</param>
/// <param name="StatusCode">The status the client got (499 when it left before the response started).</param>
/// <param name="Elapsed">From routing to the end of the response.</param>
/// <param name="Error">What went wrong, <see cref="ForwarderError.None"/> on success.</param>
/// <param name="RequestBytes">Request body bytes sent to the instance.</param>
/// <param name="ResponseBytes">Response body bytes sent to the client.</param>
public readonly record struct RoutedRequest(
    string EnvironmentName,
    string GroupName,
    string InstanceId,
    int StatusCode,
    TimeSpan Elapsed,
    ForwarderError Error,
    long RequestBytes,
    long ResponseBytes);
