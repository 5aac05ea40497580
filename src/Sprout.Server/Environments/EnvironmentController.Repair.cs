using Microsoft.Extensions.Logging;
using Sprout.Core.Model;
using Sprout.Core.Options;
using Sprout.Core.Scaling;

namespace Sprout.Server.Environments;

internal sealed partial class EnvironmentController
{
    private int _repairing;
    private Task _repair = Task.CompletedTask;

    /// <summary>
    /// Health-based replacement (Beanstalk's ELB health check type): an instance whose process
    /// lives but which keeps failing its health check is replaced by a new one. Never during an
    /// operation; the operation's own health gate decides then.
    /// </summary>
    private void ReplaceUnhealthyInBackground()
    {
        if (!Instances.Any(i => i.State == InstanceState.Unhealthy) || Interlocked.Exchange(ref _repairing, 1) == 1)
        {
            return;
        }

        _repair = Task.Run(async () =>
        {
            try
            {
                await ReplaceUnhealthyAsync(_life.Token);
            }
            catch (OperationCanceledException) when (_life.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Replacing unhealthy instances of {Environment} failed", Name);
            }
            finally
            {
                Volatile.Write(ref _repairing, 0);
            }
        });
    }

    private async Task ReplaceUnhealthyAsync(CancellationToken cancellationToken)
    {
        if (!await _operationLock.WaitAsync(0, cancellationToken))
        {
            return;
        }

        try
        {
            var row = await _services.Store.GetEnvironmentByIdAsync(Id, cancellationToken);
            if (row is null || row.Status != EnvironmentStatus.Ready || row.VersionLabel is null)
            {
                return;
            }

            var version = await _services.Store.GetVersionAsync(row.Application, row.VersionLabel, cancellationToken);
            if (version?.SlugDirectory is null)
            {
                return;
            }

            var settings = await _services.Settings.LoadAsync(Id, version.SlugDirectory, cancellationToken);
            var grace = HealthCheckGracePeriod(settings.Options);
            var now = _services.Time.GetUtcNow();
            // Inside the grace period an instance keeps its chance to recover; the health rounds look again later.
            foreach (var unhealthy in Instances.Where(i => i.State == InstanceState.Unhealthy && now - i.Row.Launched >= grace).ToList())
            {
                // The replacement starts first, so a failed launch never leaves the environment short.
                await LaunchNewAsync(row, version, settings.Options, cancellationToken);
                await RemoveAsync(unhealthy, $"Replaced instance [{unhealthy.Id}]: it kept failing its health check ({unhealthy.HealthView.Cause}).", cancellationToken);
            }
        }
        finally
        {
            _operationLock.Release();
        }
    }

    /// <summary><c>sprout:autoscaling:asg HealthCheckGracePeriod</c>: how long after launch a failing instance is left alone (Beanstalk's group resource property; 0 by default).</summary>
    private static TimeSpan HealthCheckGracePeriod(EffectiveOptions options) =>
        TimeSpan.FromSeconds(options.GetInt32OrNull(ScalingOptionNames.SproutGroup, "HealthCheckGracePeriod") ?? 0);
}
