namespace Sprout.Server.Routing;

/// <summary>
/// Where forwarding a request failed, and whose fault it was. Health code counts only the
/// instance's faults (<see cref="Request"/>, <see cref="RequestTimedOut"/>,
/// <see cref="RequestBodyDestination"/>, <see cref="ResponseBodyDestination"/>,
/// <see cref="ResponseBodyTimedOut"/>, <see cref="UpgradeDestination"/>) and ignores what the client caused.
/// The status the client saw goes with it: 502/504 pages, 499 for <see cref="RequestCanceled"/>,
/// 101 for upgraded connections however they ended.
/// </summary>
public enum ForwarderError
{
    /// <summary>The instance answered and the whole response reached the client.</summary>
    None,

    /// <summary>The environment exists but has no in-service instance (503).</summary>
    NoAvailableTargets,

    /// <summary>The instance broke the connection (reset, closed) before sending response headers (502).</summary>
    Request,

    /// <summary>The instance did not send response headers within the request timeout (504).</summary>
    RequestTimedOut,

    /// <summary>The client went away before the response started; nothing was written.</summary>
    RequestCanceled,

    /// <summary>Reading the client's request body failed (bad framing, too large, aborted).</summary>
    RequestBodyClient,

    /// <summary>The instance stopped accepting the request body (502).</summary>
    RequestBodyDestination,

    /// <summary>The client went away while the response body was being sent.</summary>
    ResponseBodyClient,

    /// <summary>The instance broke while sending the response body; the client connection is aborted.</summary>
    ResponseBodyDestination,

    /// <summary>The instance went quiet for longer than the request timeout mid-body; the client connection is aborted.</summary>
    ResponseBodyTimedOut,

    /// <summary>An upgraded connection (WebSocket) broke on the client's side.</summary>
    UpgradeClient,

    /// <summary>An upgraded connection (WebSocket) broke on the instance's side.</summary>
    UpgradeDestination,

    /// <summary>An upgraded connection was silent in both directions for <see cref="RouterOptions.UpgradedIdleTimeout"/> and was closed.</summary>
    UpgradeIdleTimedOut,

    /// <summary>Nothing listens on the instance's port: the connection was refused (502). Appended last to keep metric slots stable.</summary>
    ConnectionRefused,
}
