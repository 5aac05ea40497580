using Microsoft.Extensions.Logging;
using Sprout.Server.Environments;
using Sprout.Server.Metrics.SystemMetrics;

namespace Sprout.Server.Monitoring;

/// <summary>
/// Every <see cref="Interval"/>: reads all instances' processes in one pass (<see cref="InstanceSystemMetrics"/>),
/// then has every environment judge and record its health. Two seconds keeps "an app started failing" visible
/// within 5 s while the 10-second request window (Beanstalk's) smooths single errors out.
/// </summary>
internal sealed class HealthMonitor(EnvironmentManager manager, InstanceSystemMetrics systemMetrics, ILogger<HealthMonitor> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        do
        {
            var controllers = manager.Controllers;
            try
            {
                var groups = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var instance in controllers.SelectMany(c => c.Instances))
                {
                    if (instance.Row.Pid is { } pid)
                    {
                        // Instances lead their own process group, so the pid is the group id.
                        groups[instance.Id] = pid;
                    }
                }

                systemMetrics.Sample(groups);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Reading instance system metrics failed");
            }

            foreach (var controller in controllers)
            {
                try
                {
                    await controller.RefreshHealthAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Refreshing the health of {Environment} failed", controller.Name);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(cancellationToken));
    }
}
