namespace Sprout.Server.Routing;

/// <summary>
/// Hears about every request the router routed to an environment (unknown hosts are not reported),
/// so health and metrics can count per instance. Called on the request path once the response is
/// complete: implementations must be cheap, thread-safe and must not throw.
/// </summary>
public interface IRouterObserver
{
    /// <param name="environmentName">The environment the Host header resolved to.</param>
    /// <param name="instanceId">The instance chosen, or empty when none was available.</param>
    /// <param name="statusCode">The status the client got (499 when it left before the response started).</param>
    /// <param name="elapsed">From routing to the end of the response.</param>
    /// <param name="error">What went wrong, <see cref="ForwarderError.None"/> on success.</param>
    void RequestCompleted(string environmentName, string instanceId, int statusCode, TimeSpan elapsed, ForwarderError error);
}
