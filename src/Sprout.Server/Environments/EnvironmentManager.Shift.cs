using Sprout.Core.Api;
using Sprout.Core.Deployments;
using Sprout.Core.Model;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

/// <summary>Weighted CNAME shifts: begun in the store on both environments, run by the source's controller, resumed after a restart.</summary>
internal sealed partial class EnvironmentManager
{
    /// <summary>
    /// Starts moving <paramref name="sourceName"/>'s hostname to <paramref name="request"/>'s destination step by step.
    /// Both environments must be Ready (409 otherwise, e.g. while either runs another operation or shift).
    /// </summary>
    public async Task<(EnvironmentRow Source, EnvironmentRow Destination, TrafficSchedule Schedule)> ShiftAsync(string sourceName, ShiftRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (string.IsNullOrWhiteSpace(request.DestinationName))
        {
            throw RequestRejectedException.Invalid("invalid_shift", "Name the environment to shift the CNAME to (destinationName).");
        }

        if (string.Equals(sourceName, request.DestinationName, StringComparison.Ordinal))
        {
            throw RequestRejectedException.Invalid("invalid_shift", $"{sourceName} cannot shift its CNAME to itself; name another environment.");
        }

        if (!TrafficSchedule.TryParse(request.Steps, out var schedule, out var problem))
        {
            throw RequestRejectedException.Invalid("invalid_steps", $"Invalid steps: {problem}");
        }

        var source = await RequireEnvironmentAsync(sourceName, cancellationToken);
        var analysis = request.Analyze ? await CanaryThresholdsOfAsync(source, cancellationToken) : null;
        var plan = CnameShiftPlanner.Plan(sourceName, request.DestinationName, schedule, analysis);
        var state = DeploymentState.Start(plan);
        var summary = analysis is null
            ? plan.Summary
            : $"{plan.Summary} Canary analysis after every hold: 5xx rate up at most {analysis.MaxErrorRateIncrease} points, p99 at most {analysis.MaxP99LatencyRatio}× ({analysis.MinimumRequests} requests each side at least).";
        var (begunSource, begunDestination) = await Conflicts(() => services.Store.BeginShiftAsync(
            sourceName,
            request.DestinationName,
            OperationKind.Shift,
            DeploymentJson.Serialize(state),
            EnvironmentController.ShiftWeightsJson(sourceName, request.DestinationName, 0),
            $"Environment update is starting: {summary}",
            cancellationToken));
        var sourceController = _controllers.GetValueOrDefault(begunSource.Id) ?? Register(begunSource);
        var destinationController = _controllers.GetValueOrDefault(begunDestination.Id) ?? Register(begunDestination);
        sourceController.StartShift(destinationController, state, resumePercent: null);
        return (begunSource, begunDestination, schedule);
    }

    /// <summary>The source's <c>sprout:deployment:canary</c> thresholds (its hostname, its rules).</summary>
    private async Task<CanaryThresholds> CanaryThresholdsOfAsync(EnvironmentRow source, CancellationToken cancellationToken)
    {
        var version = source.VersionLabel is null ? null : await services.Store.GetVersionAsync(source.Application, source.VersionLabel, cancellationToken);
        var settings = await services.Settings.LoadAsync(source.Id, version?.SlugDirectory, cancellationToken);
        return DeploymentPolicyOptions.FromOptions(settings.Options).CanaryThresholds;
    }

    /// <summary>
    /// After a restart, every saved shift continues from its step with the share it had. A destination whose source
    /// no longer records a shift (it cannot be: both end in one transaction) is made Ready rather than left stuck.
    /// </summary>
    private async Task ResumeShiftsAsync(CancellationToken cancellationToken)
    {
        var controllers = Controllers;
        var driven = new HashSet<string>(StringComparer.Ordinal);
        var shifting = new List<EnvironmentRow>();
        foreach (var controller in controllers)
        {
            if (await services.Store.GetEnvironmentByIdAsync(controller.Id, cancellationToken) is not { Operation: OperationKind.Shift } row)
            {
                continue;
            }

            shifting.Add(row);
            if (await services.Store.GetDeploymentAsync(row.Id, cancellationToken) is not { } saved)
            {
                continue;
            }

            var state = DeploymentJson.Deserialize(saved.StateJson);
            var destination = controllers.FirstOrDefault(c => c.Name == state.Plan.ToEnvironment);
            if (state.Plan.Strategy != DeploymentStrategy.CnameShift || destination is null)
            {
                continue;
            }

            driven.Add(controller.Id);
            driven.Add(destination.Id);
            controller.StartShift(destination, state, EnvironmentController.ShiftPercentOf(saved, destination.Name));
        }

        foreach (var stuck in shifting.Where(row => !driven.Contains(row.Id)))
        {
            await controllers.First(c => c.Id == stuck.Id).EndUnfinishableShiftAsync(
                new EventDraft(EventSeverity.WARN, "The CNAME shift this environment took part in could not be resumed after the server restarted; all of its hostname's traffic stays on its own instances.", stuck.Application, stuck.Name, stuck.VersionLabel),
                cancellationToken);
        }
    }
}
