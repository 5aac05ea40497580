using Microsoft.Extensions.Logging;
using Sprout.Core.Health;
using Sprout.Core.Model;
using Sprout.Server.Health;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

internal sealed partial class InstanceRuntime
{
    private async Task ProbeLoopAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var state = State;
            var interval = state is InstanceState.InService or InstanceState.Unhealthy ? _health.Interval : StartupProbeInterval;
            try
            {
                await Task.Delay(interval, _services.Time, cancellationToken);
                if (state == InstanceState.Draining || _supervisor.Current is null || !_services.Driver.IsAlive(_supervisor.Current))
                {
                    continue;
                }

                var result = await _services.Probe.ProbeAsync(_supervisor.Current.Port, _health.Path, _health.Timeout, _health.Matches, cancellationToken);
                Apply(result);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Health probe of {Instance} failed unexpectedly", Id);
            }
        }
    }

    private void Apply(ProbeResult result)
    {
        EventDraft? change = null;
        lock (_gate)
        {
            if (Row.State is InstanceState.Draining or InstanceState.Terminated)
            {
                return;
            }

            var before = Row.State;
            var transition = _checks.Record(result.Ok, inService: before == InstanceState.InService);
            if (result.Ok)
            {
                if (transition == HealthCheckTransition.BecameHealthy)
                {
                    Row.State = InstanceState.InService;
                    Row.HealthStatus = "Ok";
                    _cause = null;
                    _crashLooping = false;
                    change = Event(EventSeverity.INFO, before == InstanceState.Unhealthy
                        ? $"Instance {Id} passed its health check again and is back in service."
                        : $"Instance {Id} passed its health check and is in service.");
                }
            }
            else
            {
                _cause = $"health check failed {_checks.Failures} time(s) in a row: {result.Cause}";
                if (transition == HealthCheckTransition.BecameUnhealthy)
                {
                    Row.State = InstanceState.Unhealthy;
                    Row.HealthStatus = "Severe";
                    change = Event(EventSeverity.WARN, $"Instance {Id} failed its health check {_checks.Failures} times in a row ({result.Cause}); removed it from the load balancer.");
                }
                else if (before == InstanceState.Pending)
                {
                    Row.HealthStatus = "Pending";
                }
            }

            Row.Causes = _cause ?? "";
            if (Row.State == before && change is null)
            {
                return;
            }
        }

        MarkDirty(change);
    }
}
