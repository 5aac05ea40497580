using Sprout.Server.Metrics;
using Sprout.Server.Routing;

namespace Sprout.Integration.Tests.Metrics;

/// <summary>A deployment's canary analysis reads one target group's window, apart from the other groups of the same environment.</summary>
public sealed class RouterMetricsGroupTests
{
    [Fact]
    public void SnapshotGroup_CountsOnlyThatGroupsRequests()
    {
        var metrics = new RouterMetrics(new ManualTimeProvider());
        for (var i = 0; i < 8; i++)
        {
            metrics.RequestCompleted(new RoutedRequest("web", "default", "i-old", 200, TimeSpan.FromMilliseconds(5), ForwarderError.None, 0, 0));
        }

        metrics.RequestCompleted(new RoutedRequest("web", "candidate", "i-new", 200, TimeSpan.FromMilliseconds(5), ForwarderError.None, 0, 0));
        metrics.RequestCompleted(new RoutedRequest("web", "candidate", "i-new", 500, TimeSpan.FromMilliseconds(5), ForwarderError.None, 0, 0));

        var candidate = metrics.SnapshotGroup("web", "candidate", TimeSpan.FromSeconds(10));
        var baseline = metrics.SnapshotGroup("web", "default", TimeSpan.FromSeconds(10));

        Assert.Equal((2L, 1L), (candidate.RequestCount, candidate.Status5xx));
        Assert.Equal((8L, 0L), (baseline.RequestCount, baseline.Status5xx));
        Assert.Equal(0, metrics.SnapshotGroup("web", "missing", TimeSpan.FromSeconds(10)).RequestCount);
        Assert.Equal(0, metrics.SnapshotGroup("other", "default", TimeSpan.FromSeconds(10)).RequestCount);
    }
}
