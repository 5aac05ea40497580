namespace Sprout.Core.Deployments;

/// <summary>
/// Plans a rolling configuration update (reference eb.md §3.3): disabled → every instance replaced at once;
/// Time → batch by batch with a pause; Health → batch by batch once healthy; Immutable → as an Immutable deployment.
/// A batch is terminated before its replacement launches while that keeps MinInstancesInService in service;
/// otherwise the replacement launches first (capacity briefly above the desired count, as CloudFormation does).
/// </summary>
public static class RollingUpdatePlanner
{
    public static DeploymentPlan Plan(RollingUpdateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options;
        var context = new DeploymentPlanner.PlanContext(
            request.VersionLabel,
            request.NewConfigGeneration,
            [.. request.Instances.OrderBy(i => i.InService)],
            request.DeregistrationDelay,
            HealthTimeout(options, request.CommandTimeout),
            request.IgnoreHealthCheck);

        var plan = !options.Enabled ? ReplaceAll(context)
            : options.Type == RollingUpdateType.Immutable ? DeploymentPlanner.Immutable(context)
            : Rolling(context, options, request.MinSize, request.MaxSize);
        return plan with { IsConfigurationUpdate = true };
    }

    /// <summary>
    /// Health batches wait up to the rolling update Timeout, and the deployment health settings (command Timeout)
    /// also apply to health-based updates (eb.md §3.3), so the shorter of the two; other types wait the command Timeout.
    /// </summary>
    public static TimeSpan HealthTimeout(RollingUpdateOptions options, TimeSpan commandTimeout)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Type == RollingUpdateType.Health && options.Timeout < commandTimeout ? options.Timeout : commandTimeout;
    }

    private static DeploymentPlan ReplaceAll(DeploymentPlanner.PlanContext c)
    {
        var b = new PlanBuilder();
        var count = c.Instances.Count;
        var replacements = PlanBuilder.NewRefs("replacement", count);
        b.Deregister(c.Ids, c.Drain);
        b.Terminate(c.Ids);
        b.Launch(replacements, c.Version, c.Config, DeploymentGroups.Main, temporary: false,
            $"Launching {count} instance(s) with the new configuration (rolling updates are disabled: all at once).");
        b.WaitHealthy(replacements, c.HealthTimeout, c.IgnoreHealthCheck);
        b.Register(replacements, DeploymentGroups.Main);
        return c.Plan(DeploymentStrategy.ReplaceAll, b, count, 1, 0, b.Steps.Count,
            $"Replacing all {count} instance(s) at once for the new configuration; the application is out of service meanwhile.");
    }

    private static DeploymentPlan Rolling(DeploymentPlanner.PlanContext c, RollingUpdateOptions options, int minSize, int maxSize)
    {
        var b = new PlanBuilder();
        var count = c.Instances.Count;
        var minInService = Math.Min(options.EffectiveMinInstancesInService(minSize, maxSize), count);
        var maxBatch = options.EffectiveMaxBatchSize(minSize);
        var inService = c.Instances.Count(i => i.InService);
        var surge = count - minInService < 1;
        var batchSize = Math.Clamp(surge ? Math.Min(maxBatch, maxSize - count) : Math.Min(maxBatch, count - minInService), 1, Math.Max(1, count));
        var batches = BatchSizing.Split(c.Ids, batchSize);
        var health = options.Type == RollingUpdateType.Health;
        var launched = 0;
        var worstLoss = 0;
        for (var i = 0; i < batches.Count; i++)
        {
            var old = batches[i];
            var fresh = PlanBuilder.NewRefs("replacement", old.Count, launched + 1);
            launched += old.Count;
            var label = $"Rolling update batch {i + 1} of {batches.Count}";
            if (!surge)
            {
                worstLoss = Math.Max(worstLoss, c.Instances.Count(x => x.InService && old.Contains(x.Id)));
                b.Deregister(old, c.Drain, $"{label}: taking instance(s) [{string.Join(", ", old)}] out of service (in-flight requests get up to {PlanBuilder.Seconds(c.Drain)} to finish).");
                b.Terminate(old, $"{label}: terminating instance(s) [{string.Join(", ", old)}].");
            }

            b.Launch(fresh, c.Version, c.Config, DeploymentGroups.Main, temporary: false, $"{label}: launching {old.Count} instance(s) with the new configuration.");
            if (health)
            {
                b.WaitHealthy(fresh, c.HealthTimeout, c.IgnoreHealthCheck, $"{label}: waiting for {old.Count} new instance(s) to pass health checks (up to {PlanBuilder.Seconds(c.HealthTimeout)}).");
            }

            b.Register(fresh, DeploymentGroups.Main, $"{label}: {old.Count} new instance(s) in service.");
            if (!health && i < batches.Count - 1 && options.EffectivePauseTime > TimeSpan.Zero)
            {
                b.Pause(options.EffectivePauseTime, $"{label}: pausing {TrafficSchedule.FormatDuration(options.EffectivePauseTime)} (PauseTime) before the next batch.");
            }

            if (surge)
            {
                b.Deregister(old, c.Drain, $"{label}: taking instance(s) [{string.Join(", ", old)}] out of service (in-flight requests get up to {PlanBuilder.Seconds(c.Drain)} to finish).");
                b.Terminate(old, $"{label}: terminating instance(s) [{string.Join(", ", old)}].");
            }
        }

        return c.Plan(DeploymentStrategy.RollingReplacement, b, batchSize, batches.Count, inService - worstLoss, b.Steps.Count,
            $"Rolling configuration update ({options.Type}) of {count} instance(s) in {batches.Count} batch(es) of {batchSize}; at least {Math.Max(0, inService - worstLoss)} stay in service.");
    }
}
