using System.Collections.Concurrent;
using Sprout.Server.Routing;

namespace Sprout.Integration.Tests.Routing;

internal sealed record ObservedRequest(string EnvironmentName, string InstanceId, int StatusCode, TimeSpan Elapsed, ForwarderError Error, string GroupName = "", long RequestBytes = 0, long ResponseBytes = 0);

internal sealed class RecordingObserver : IRouterObserver
{
    private readonly ConcurrentQueue<ObservedRequest> _requests = new();

    public IReadOnlyList<ObservedRequest> Requests => [.. _requests];

    public void RequestCompleted(in RoutedRequest request)
        => _requests.Enqueue(new ObservedRequest(request.EnvironmentName, request.InstanceId, request.StatusCode, request.Elapsed, request.Error, request.GroupName, request.RequestBytes, request.ResponseBytes));

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
