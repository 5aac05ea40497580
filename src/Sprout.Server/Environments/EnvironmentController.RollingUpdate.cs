using Sprout.Core.Deployments;
using Sprout.Core.Model;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

/// <summary>
/// Rolling configuration updates (<c>aws:autoscaling:updatepolicy:rollingupdate</c>): a configure operation whose change
/// needs new instances (<see cref="ConfigurationChange"/>) is planned by <see cref="RollingUpdatePlanner"/> and runs through
/// the deployment reconciler, with the same saved state, resumption, events and abort. Replacements launch with the new
/// configuration generation; a failure rolls back with another rolling update that launches the previous one, and the
/// environment's option settings return to it. Changes that need no new instances keep convergence.
/// </summary>
internal sealed partial class EnvironmentController
{
    /// <summary>False when the configure operation needs no new instances (the caller converges instead).</summary>
    private async Task<bool> TryRunRollingUpdateAsync(EnvironmentRow row, CancellationToken cancellationToken)
    {
        DeploymentState state;
        var saved = await _services.Store.GetDeploymentAsync(Id, cancellationToken);
        if (saved is not null)
        {
            state = DeploymentJson.Deserialize(saved.StateJson);
            if (!state.Plan.IsConfigurationUpdate)
            {
                return false;
            }

            await ApplyTargetSettingsAsync(row, state.Plan.TargetVersionLabel, cancellationToken);
        }
        else
        {
            var planned = await PlanRollingUpdateAsync(row, cancellationToken);
            if (planned is null)
            {
                return false;
            }

            state = planned.Value.State;
            await SaveDeploymentAsync(row, state, [new(EventSeverity.INFO, planned.Value.Cause), .. state.StartEvents], cancellationToken);
        }

        var run = new DeploymentRun(state);
        Volatile.Write(ref _deployment, run);
        try
        {
            await RunDeploymentStepsAsync(row, run, cancellationToken);
        }
        finally
        {
            Volatile.Write(ref _deployment, null);
        }

        var outcome = ((FinishedAction)DeploymentCursor.NextAction(run.State)).Outcome;
        await FinishRollingUpdateAsync(row, run.State.Plan, outcome, cancellationToken);
        return true;
    }

    /// <summary>
    /// The plan when instances run an older configuration generation and the options that changed since then need new
    /// instances; null otherwise, or when the change cannot be judged (no record of the older settings, no runnable
    /// version, invalid settings), which convergence then handles and reports.
    /// </summary>
    private async Task<(DeploymentState State, string Cause)?> PlanRollingUpdateAsync(EnvironmentRow row, CancellationToken cancellationToken)
    {
        var instances = Instances.Where(i => i.State != InstanceState.Terminated).OrderBy(i => i.Row.Launched).ToList();
        var stale = instances.Where(i => i.Row.ConfigGeneration != row.ConfigGeneration).ToList();
        if (stale.Count == 0 || row.VersionLabel is null)
        {
            return null;
        }

        var before = await _services.Store.GetConfigurationAsync(Id, stale.Max(i => i.Row.ConfigGeneration), cancellationToken);
        if (before is null)
        {
            return null;
        }

        var change = ConfigurationChange.Between(before, await _services.Store.GetOptionSettingsAsync(Id, cancellationToken));
        if (!change.NeedsReplacement)
        {
            return null;
        }

        var version = await _services.Store.GetVersionAsync(row.Application, row.VersionLabel, cancellationToken);
        if (version is not { Status: VersionStatus.Processed, SlugDirectory: not null })
        {
            return null;
        }

        var settings = await _services.Settings.LoadAsync(Id, version.SlugDirectory, cancellationToken);
        if (settings.Errors.Count > 0)
        {
            return null;
        }

        var options = settings.Options;
        ApplySettings(options);
        var rolling = RollingUpdateOptions.FromOptions(options);
        var plan = RollingUpdatePlanner.Plan(new RollingUpdateRequest(
            row.ConfigGeneration,
            row.VersionLabel,
            [.. instances.Select(i => new InstanceSnapshot(i.Id, i.Row.VersionLabel, i.State == InstanceState.InService && i.Row.TargetGroup is not null, i.Row.ConfigGeneration))])
        {
            Options = rolling,
            MinSize = options.MinSize,
            MaxSize = options.MaxSize,
            DeregistrationDelay = options.DeregistrationDelay,
            CommandTimeout = options.CommandTimeout,
            IgnoreHealthCheck = options.IgnoreHealthCheck,
        });
        var how = rolling.Enabled ? $"rolling update ({rolling.Type})" : "replacing every instance at once (RollingUpdateEnabled is false)";
        return (DeploymentState.Start(plan), $"{change.Describe()} Updating the instances' configuration: {how}.");
    }

    /// <summary>
    /// Success: convergence settles a capacity change made by the same request (every instance is current by now) and
    /// ends the operation. Failure: the environment's option settings return to the previous configuration generation.
    /// </summary>
    private async Task FinishRollingUpdateAsync(EnvironmentRow row, DeploymentPlan plan, DeploymentOutcome outcome, CancellationToken cancellationToken)
    {
        if (outcome.Result == DeploymentResult.Succeeded)
        {
            if (outcome.RecommendedAction is not null)
            {
                await _services.Store.AppendEventAsync(Event(row, EventSeverity.WARN, $"{outcome.Message} {outcome.RecommendedAction}"), cancellationToken);
            }

            await FinishAsync(row, await ConvergeAsync(row, cancellationToken), null, cancellationToken);
            return;
        }

        var events = new List<EventDraft> { Event(row, EventSeverity.ERROR, outcome.Message) };
        if (outcome.RecommendedAction is not null)
        {
            events.Add(Event(row, EventSeverity.WARN, outcome.RecommendedAction));
        }

        events.AddRange(ClosingEvents(row, succeeded: false));
        if (plan.PreviousConfigGeneration is { } generation &&
            await _services.Store.GetConfigurationAsync(Id, generation, cancellationToken) is { } previous)
        {
            await _services.Store.RevertConfigurationAsync(Id, generation, previous,
                [Event(row, EventSeverity.INFO, "The environment's option settings were set back to the previous configuration.")], cancellationToken);
            var version = await _services.Store.GetVersionAsync(row.Application, plan.TargetVersionLabel, cancellationToken);
            ApplySettings((await _services.Settings.LoadAsync(previous, version?.SlugDirectory, cancellationToken)).Options);
        }

        await EndOperationAsync(events, cancellationToken);
    }

    /// <summary>
    /// The settings instances of <paramref name="generation"/> are launched with: the environment's current ones, or,
    /// for an earlier generation (a rolling update's rollback), the settings that generation had.
    /// </summary>
    private async Task<LoadedSettings> LoadLaunchSettingsAsync(EnvironmentRow row, long? generation, string? slugDirectory, CancellationToken cancellationToken) =>
        generation is { } earlier && earlier != row.ConfigGeneration &&
        await _services.Store.GetConfigurationAsync(Id, earlier, cancellationToken) is { } applied
            ? await _services.Settings.LoadAsync(applied, slugDirectory, cancellationToken)
            : await _services.Settings.LoadAsync(Id, slugDirectory, cancellationToken);
}
