using Sprout.Core.Model;

namespace Sprout.Core.Deployments;

/// <summary>
/// What a failed step leaves behind and what is undone, per strategy, as Beanstalk documents (reference eb.md §3.2–§3.4):
/// <list type="bullet">
/// <item>AllAtOnce: nothing is undone; the application is down until a known-good version is redeployed.</item>
/// <item>Rolling: no automatic rollback; completed batches keep the new version, pending ones the old, the failed batch stays out of service.</item>
/// <item>RollingWithAdditionalBatch: a failure in the additional batch terminates it and changes nothing else; later, as Rolling, and the additional batch is terminated.</item>
/// <item>Immutable: the new instances are terminated; the originals were never touched.</item>
/// <item>TrafficSplitting: all traffic back to the old instances, the new ones terminated.</item>
/// <item>Rolling configuration update: another rolling update back to the previous configuration.</item>
/// <item>CNAME shift: all traffic back to the original environment.</item>
/// </list>
/// A failure at or after the plan's point of no return (old instances leaving after the new ones took all the traffic)
/// is not rolled back: the remaining steps are retried.
/// </summary>
public static class DeploymentFailures
{
    public const string AbortWarning =
        "During an aborted deployment, some instances may have deployed the new application version. To ensure all instances are running the same version, re-deploy the appropriate application version.";

    public static DeploymentRecovery Recover(DeploymentPlan plan, int failedStepIndex, StepFailure failure)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(failure);
        ArgumentOutOfRangeException.ThrowIfNegative(failedStepIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(failedStepIndex, plan.Steps.Count);

        var failed = plan.Steps[failedStepIndex];
        var events = new List<DeploymentEvent>
        {
            new(EventSeverity.ERROR, $"Step {failedStepIndex + 1} of {plan.Steps.Count} failed ({failed.Description.TrimEnd('.')}): {failure.Detail}"),
        };
        var b = new PlanBuilder(plan.Steps.Count);

        if (failedStepIndex >= plan.PointOfNoReturn)
        {
            foreach (var step in plan.Steps.Skip(failedStepIndex))
            {
                b.Add(step);
            }

            events.Add(new(EventSeverity.WARN, "The new version already serves all traffic, so the old instances' cleanup is retried instead of rolled back."));
            return new DeploymentRecovery(b.Steps, Succeeded(plan), events);
        }

        if (plan.Strategy != DeploymentStrategy.CnameShift && plan.OriginalInstances.Count == 0)
        {
            events.Add(new(EventSeverity.ERROR, plan.IsConfigurationUpdate ? "Failed to deploy configuration." : "Failed to deploy application."));
            return new DeploymentRecovery([], new DeploymentOutcome(DeploymentResult.Failed, plan.PreviousVersionLabel,
                "Create environment operation is complete, but with errors.", $"Fix the problem and deploy {plan.TargetVersionLabel} again."), events);
        }

        var outcome = plan.Strategy switch
        {
            DeploymentStrategy.AllAtOnce or DeploymentStrategy.Rolling or DeploymentStrategy.RollingWithAdditionalBatch => InPlace(plan, failedStepIndex, b, events),
            DeploymentStrategy.Immutable or DeploymentStrategy.TrafficSplitting => DiscardNewInstances(plan, failedStepIndex, b, events),
            DeploymentStrategy.RollingReplacement or DeploymentStrategy.ReplaceAll => RollBackConfiguration(plan, failedStepIndex, b, events),
            DeploymentStrategy.CnameShift => ShiftBack(plan, b, events),
            _ => throw new NotImplementedException(plan.Strategy.ToString()),
        };
        return new DeploymentRecovery(b.Steps, outcome, events);
    }

    /// <summary>The outcome of a plan whose every step succeeded.</summary>
    public static DeploymentOutcome Succeeded(DeploymentPlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return plan.Strategy == DeploymentStrategy.CnameShift
            ? new DeploymentOutcome(DeploymentResult.Succeeded, null, $"Completed shifting traffic from environment {plan.FromEnvironment} to {plan.ToEnvironment}.")
            : new DeploymentOutcome(DeploymentResult.Succeeded, plan.TargetVersionLabel,
                plan.IsConfigurationUpdate ? "Successfully deployed new configuration to environment." : "Environment update completed successfully.");
    }

    /// <summary>AllAtOnce, Rolling and RollingWithAdditionalBatch: Beanstalk leaves in-place changes as they are.</summary>
    private static DeploymentOutcome InPlace(DeploymentPlan plan, int k, PlanBuilder b, List<DeploymentEvent> events)
    {
        var failed = plan.Steps[k];
        var extra = plan.Strategy == DeploymentStrategy.RollingWithAdditionalBatch ? LaunchedUpTo(plan, k) : [];
        var firstInPlace = plan.Steps.First(s => s is DeregisterStep d && !d.Refs.Any(InstanceRefs.IsLaunched)).Index;

        if (failed is DeregisterStep deregister)
        {
            // Instances that were leaving still run the old version: they simply come back.
            b.Register(deregister.Refs, DeploymentGroups.Main, $"Putting instance(s) [{string.Join(", ", deregister.Refs)}] back in service; they still run {plan.PreviousVersionLabel}.");
        }

        if (extra.Count > 0)
        {
            b.Deregister(extra, plan.DeregistrationDelay, $"Taking the additional batch ({extra.Count} instance(s)) out of service.");
            b.Terminate(extra, $"Terminating the additional batch ({extra.Count} instance(s)).");
        }

        var versionTouched = plan.Steps.Take(k + 1).Any(s => s is DeployInPlaceStep);
        if (!versionTouched)
        {
            events.Add(new(EventSeverity.ERROR, "Failed to deploy application."));
            return new DeploymentOutcome(DeploymentResult.RolledBack, plan.PreviousVersionLabel,
                k < firstInPlace
                    ? $"Failed to deploy application. The additional batch was terminated; every instance still runs {plan.PreviousVersionLabel}."
                    : $"Failed to deploy application. No instance was changed; every instance still runs {plan.PreviousVersionLabel}.",
                $"Fix the problem and deploy {plan.TargetVersionLabel} again.");
        }

        events.Add(new(EventSeverity.ERROR, "Failed to deploy application."));
        events.Add(new(EventSeverity.WARN, AbortWarning));
        if (plan.Strategy == DeploymentStrategy.AllAtOnce)
        {
            return new DeploymentOutcome(DeploymentResult.Failed, plan.PreviousVersionLabel,
                $"Failed to deploy application. The instances are out of service and may run {plan.TargetVersionLabel}; the environment's version is {plan.PreviousVersionLabel} again.",
                $"Redeploy {plan.PreviousVersionLabel} (or a fixed version) to bring the application back.");
        }

        // Every batch starts by deregistering original instances; the additional batch's placeholders don't count.
        var failedBatch = plan.Steps.Take(k + 1).Count(s => s is DeregisterStep d && !d.Refs.Any(InstanceRefs.IsLaunched));
        var batchFate = failed is DeregisterStep ? "was put back in service unchanged" : "failed and stays out of service";
        return new DeploymentOutcome(DeploymentResult.Failed, plan.PreviousVersionLabel,
            $"Failed to deploy application. Batch {failedBatch} of {plan.BatchCount} {batchFate}; {failedBatch - 1} completed batch(es) run {plan.TargetVersionLabel}, the other instances {plan.PreviousVersionLabel}.",
            $"Redeploy {plan.PreviousVersionLabel}, or fix the problem and deploy again (IgnoreHealthCheck carries on past failed health checks).");
    }

    /// <summary>Immutable and TrafficSplitting: the originals were never touched, so dropping the new instances undoes everything.</summary>
    private static DeploymentOutcome DiscardNewInstances(DeploymentPlan plan, int k, PlanBuilder b, List<DeploymentEvent> events)
    {
        var launched = LaunchedUpTo(plan, k);
        var shifted = plan.Steps.Take(k + 1).Any(s => s is ShiftTrafficStep);
        if (shifted)
        {
            b.Shift(DeploymentPlanner.Weights(0), $"Sending all traffic back to the old version {plan.PreviousVersionLabel}.");
        }

        if (launched.Count > 0)
        {
            b.Deregister(launched, plan.DeregistrationDelay, $"Taking the {launched.Count} new instance(s) out of service.");
            b.Terminate(launched, $"Terminating the {launched.Count} new instance(s).");
        }

        events.Add(new(EventSeverity.ERROR, plan.IsConfigurationUpdate ? "Failed to deploy configuration." : "Failed to deploy application."));
        var what = plan.Strategy == DeploymentStrategy.TrafficSplitting
            ? "Traffic was routed back to the old instances and the new instances were terminated"
            : "The new instances were terminated; the original instances were not changed";
        return new DeploymentOutcome(DeploymentResult.RolledBack, plan.PreviousVersionLabel,
            $"{(plan.IsConfigurationUpdate ? "Failed to deploy configuration." : "Failed to deploy application.")} {what}.",
            $"Fix the problem and deploy {plan.TargetVersionLabel} again.");
    }

    /// <summary>Rolling configuration update: another rolling update brings back the previous configuration.</summary>
    private static DeploymentOutcome RollBackConfiguration(DeploymentPlan plan, int k, PlanBuilder b, List<DeploymentEvent> events)
    {
        var failed = plan.Steps[k];
        if (failed is DeregisterStep deregister)
        {
            b.Register(deregister.Refs, DeploymentGroups.Main, $"Putting instance(s) [{string.Join(", ", deregister.Refs)}] back in service.");
        }
        else if (failed is TerminateInstancesStep terminate)
        {
            b.Terminate(terminate.Refs);
        }

        var fresh = LaunchedUpTo(plan, k);
        var terminated = plan.Steps.Take(k + 1).OfType<TerminateInstancesStep>().SelectMany(t => t.Refs).ToHashSet(StringComparer.Ordinal);
        var remaining = plan.OriginalInstances.Count(i => !terminated.Contains(i.Id));
        var needed = plan.OriginalInstances.Count - remaining;
        var launchedBack = 0;
        var batchSize = Math.Max(1, plan.BatchSize);

        void LaunchPrevious(int count)
        {
            var refs = PlanBuilder.NewRefs("rollback", count, launchedBack + 1);
            launchedBack += count;
            b.Launch(refs, plan.TargetVersionLabel, plan.PreviousConfigGeneration, DeploymentGroups.Main, temporary: false,
                $"Rolling back: launching {count} instance(s) with the previous configuration.");
            b.WaitHealthy(refs, plan.HealthTimeout, plan.IgnoreHealthCheck);
            b.Register(refs, DeploymentGroups.Main);
        }

        foreach (var chunk in BatchSizing.Split(fresh, batchSize))
        {
            b.Deregister(chunk, plan.DeregistrationDelay, $"Rolling back: taking {chunk.Count} instance(s) with the new configuration out of service.");
            b.Terminate(chunk, $"Rolling back: terminating {chunk.Count} instance(s) with the new configuration.");
            var count = Math.Min(chunk.Count, needed);
            if (count > 0)
            {
                LaunchPrevious(count);
                needed -= count;
            }
        }

        while (needed > 0)
        {
            var count = Math.Min(batchSize, needed);
            LaunchPrevious(count);
            needed -= count;
        }

        events.Add(new(EventSeverity.ERROR, "Failed to deploy configuration."));
        events.Add(new(EventSeverity.INFO, "Rolling back to the previous configuration with another rolling update."));
        return new DeploymentOutcome(DeploymentResult.RolledBack, plan.TargetVersionLabel,
            "Failed to deploy configuration. The environment was reverted to the previous configuration setting.",
            "Fix the cause of the failure, then update the configuration again.");
    }

    private static DeploymentOutcome ShiftBack(DeploymentPlan plan, PlanBuilder b, List<DeploymentEvent> events)
    {
        b.Shift(CnameShiftPlanner.Weights(plan.FromEnvironment!, plan.ToEnvironment!, 0), $"Sending all traffic back to environment {plan.FromEnvironment}.");
        events.Add(new(EventSeverity.ERROR, $"Shifting traffic to environment {plan.ToEnvironment} failed; all traffic goes back to {plan.FromEnvironment}."));
        return new DeploymentOutcome(DeploymentResult.RolledBack, null, $"Traffic was shifted back to environment {plan.FromEnvironment}.",
            $"Fix environment {plan.ToEnvironment}, then shift again.");
    }

    /// <summary>Every placeholder launched at or before <paramref name="index"/>; the failed launch's too, since it may have partly happened.</summary>
    private static IReadOnlyList<string> LaunchedUpTo(DeploymentPlan plan, int index) =>
        [.. plan.Steps.Take(index + 1).OfType<LaunchInstancesStep>().SelectMany(l => l.Refs).Distinct(StringComparer.Ordinal)];
}
