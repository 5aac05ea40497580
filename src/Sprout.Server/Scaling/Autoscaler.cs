using Microsoft.Extensions.Logging;
using Sprout.Server.Environments;

namespace Sprout.Server.Scaling;

/// <summary>Runs one auto scaling round per environment every <see cref="Interval"/> (see <c>EnvironmentController.Scaling.cs</c> and docs/scaling.md).</summary>
internal sealed class Autoscaler(EnvironmentManager manager, ILogger<Autoscaler> logger)
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            foreach (var controller in manager.Controllers)
            {
                try
                {
                    await controller.ScaleRoundAsync(cancellationToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogWarning(e, "Auto scaling round of {Environment} failed", controller.Name);
                }
            }
        }
    }
}
