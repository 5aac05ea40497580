using System.Collections.Concurrent;
using Sprout.Server.Routing;

namespace Sprout.Integration.Tests.Routing;

internal sealed record ObservedRequest(string EnvironmentName, string InstanceId, int StatusCode, TimeSpan Elapsed, ForwarderError Error);

internal sealed class RecordingObserver : IRouterObserver
{
    private readonly ConcurrentQueue<ObservedRequest> _requests = new();

    public IReadOnlyList<ObservedRequest> Requests => [.. _requests];

    public void RequestCompleted(string environmentName, string instanceId, int statusCode, TimeSpan elapsed, ForwarderError error)
        => _requests.Enqueue(new ObservedRequest(environmentName, instanceId, statusCode, elapsed, error));

    /// <summary>The observer runs after the response is sent, so the client can see it first: poll briefly.</summary>
    public async Task<ObservedRequest> WaitForAsync(Func<ObservedRequest, bool> match)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            var found = _requests.FirstOrDefault(match);
            if (found is not null)
            {
                return found;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"No matching request observed; saw: {string.Join("; ", _requests)}");
    }
}
