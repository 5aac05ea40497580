namespace Sprout.Server.Routing;

/// <summary>
/// Hears about every request the router routed to an environment (unknown hosts are not reported),
/// so health and metrics can count per instance. Called on the request path once the response is
/// complete: implementations must be cheap, thread-safe and must not throw.
/// </summary>
public interface IRouterObserver
{
    void RequestCompleted(in RoutedRequest request);
}
