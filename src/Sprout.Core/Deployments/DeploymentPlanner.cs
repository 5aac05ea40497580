using Sprout.Core.Model;

namespace Sprout.Core.Deployments;

/// <summary>
/// Turns a deployment request into ordered steps under the environment's <c>DeploymentPolicy</c>, following
/// Beanstalk's documented behaviour (reference eb.md §3.2). Pure: no clock, no I/O.
/// </summary>
public static class DeploymentPlanner
{
    public static DeploymentPlan Plan(DeploymentRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.NewVersionLabel);
        var options = request.Options;
        var context = new PlanContext(
            request.NewVersionLabel,
            request.ConfigGeneration,
            [.. request.Instances.OrderBy(i => i.InService)],
            request.DeregistrationDelay,
            options.CommandTimeout,
            options.IgnoreHealthCheck);

        if (context.Instances.Count == 0)
        {
            return FirstLaunch(context, Math.Max(1, request.DesiredCapacity), Strategy(options.Policy));
        }

        var batchSize = BatchSizing.Compute(options.BatchSizeType, options.BatchSize, context.Instances.Count);
        return options.Policy switch
        {
            DeploymentPolicy.AllAtOnce => AllAtOnce(context),
            DeploymentPolicy.Rolling => Rolling(context, batchSize, additionalBatch: false),
            DeploymentPolicy.RollingWithAdditionalBatch => Rolling(context, batchSize, additionalBatch: true),
            DeploymentPolicy.Immutable => Immutable(context),
            DeploymentPolicy.TrafficSplitting => TrafficSplitting(context, options.TrafficSchedule, options.CanarySteps is null ? null : options.CanaryThresholds),
            _ => throw new NotImplementedException(options.Policy.ToString()),
        };
    }

    /// <summary>
    /// Null when the environment type supports the policy, else Beanstalk's rule in words: Rolling,
    /// RollingWithAdditionalBatch and TrafficSplitting need a load balancer; AllAtOnce and Immutable work everywhere.
    /// </summary>
    public static string? CheckSupported(DeploymentPolicy policy, EnvironmentType environmentType) =>
        environmentType == EnvironmentType.SingleInstance &&
        policy is DeploymentPolicy.Rolling or DeploymentPolicy.RollingWithAdditionalBatch or DeploymentPolicy.TrafficSplitting
            ? $"DeploymentPolicy {policy} needs a load-balanced environment; a single-instance environment supports AllAtOnce and Immutable."
            : null;

    private static DeploymentStrategy Strategy(DeploymentPolicy policy) => policy switch
    {
        DeploymentPolicy.AllAtOnce => DeploymentStrategy.AllAtOnce,
        DeploymentPolicy.Rolling => DeploymentStrategy.Rolling,
        DeploymentPolicy.RollingWithAdditionalBatch => DeploymentStrategy.RollingWithAdditionalBatch,
        DeploymentPolicy.Immutable => DeploymentStrategy.Immutable,
        DeploymentPolicy.TrafficSplitting => DeploymentStrategy.TrafficSplitting,
        _ => throw new NotImplementedException(policy.ToString()),
    };

    /// <summary>No instances yet: every policy simply launches the desired count on the new version.</summary>
    private static DeploymentPlan FirstLaunch(PlanContext c, int count, DeploymentStrategy strategy)
    {
        var b = new PlanBuilder();
        var refs = PlanBuilder.NewRefs("new", count);
        b.Launch(refs, c.Version, c.Config, DeploymentGroups.Main, temporary: false, $"Launching {count} instance(s) running {c.Version}.");
        b.WaitHealthy(refs, c.HealthTimeout, c.IgnoreHealthCheck);
        b.Register(refs, DeploymentGroups.Main);
        return c.Plan(strategy, b, batchSize: count, batchCount: 1, minimumInService: 0, pointOfNoReturn: b.Steps.Count,
            $"First deployment of {c.Version}: launching {count} instance(s).");
    }

    private static DeploymentPlan AllAtOnce(PlanContext c)
    {
        var b = new PlanBuilder();
        var all = c.Ids;
        var ids = InstanceRefs.Describe(all);
        b.Deregister(all, c.Drain, $"Taking instance(s) {ids} out of service to deploy {c.Version} all at once (in-flight requests get up to {PlanBuilder.Seconds(c.Drain)} to finish).");
        b.DeployInPlace(all, c.Version, $"Deploying new version to instance(s) {ids} (all at once).");
        b.WaitHealthy(all, c.HealthTimeout, c.IgnoreHealthCheck);
        b.Register(all, DeploymentGroups.Main, $"Instance deployment completed successfully; instance(s) {ids} back in service.");
        return c.Plan(DeploymentStrategy.AllAtOnce, b, all.Count, 1, minimumInService: 0, b.Steps.Count,
            $"All-at-once deployment of {c.Version} to {all.Count} instance(s); the application is out of service until they pass health checks.");
    }

    private static DeploymentPlan Rolling(PlanContext c, int batchSize, bool additionalBatch)
    {
        var b = new PlanBuilder();
        var inService = c.Instances.Count(i => i.InService);
        if (additionalBatch)
        {
            return RollingWithAdditionalBatch(c, b, batchSize, inService);
        }

        var batches = BatchSizing.Split(c.Ids, batchSize);
        var worstLoss = RollingBatches(c, b, batches);
        var minimum = inService - worstLoss;
        return c.Plan(DeploymentStrategy.Rolling, b, batchSize, batches.Count, minimum, b.Steps.Count,
            $"Rolling deployment of {c.Version} to {c.Instances.Count} instance(s) in {batches.Count} batch(es) of {batchSize}; at least {minimum} stay in service.");
    }

    /// <summary>
    /// The additional batch runs the new version and stays; the rolling batches cover every original instance but the
    /// last batch's worth, which is terminated at the end instead of being updated and then replaced. Same end state and
    /// the same capacity as updating everything and then terminating the additional batch, one batch sooner (eb.md leaves
    /// open which instances Beanstalk terminates; docs/deployments.md, Decisions).
    /// </summary>
    private static DeploymentPlan RollingWithAdditionalBatch(PlanContext c, PlanBuilder b, int batchSize, int inService)
    {
        var extra = PlanBuilder.NewRefs("extra", batchSize);
        b.Launch(extra, c.Version, c.Config, DeploymentGroups.Main, temporary: true,
            $"Launching an additional batch of {batchSize} instance(s) running {c.Version}, so full capacity stays in service during the deployment.");
        b.WaitHealthy(extra, c.HealthTimeout, c.IgnoreHealthCheck);
        b.Register(extra, DeploymentGroups.Main, $"Additional batch of {batchSize} instance(s) in service.");

        // Out-of-service instances sort first, so the instances left for termination are ones in service.
        var updated = c.Ids.Take(c.Ids.Count - batchSize).ToList();
        var retired = c.Ids.Skip(c.Ids.Count - batchSize).ToList();
        var batches = BatchSizing.Split(updated, batchSize);
        var worstLoss = RollingBatches(c, b, batches);

        var pointOfNoReturn = b.Steps.Count;
        var retiredIds = string.Join(", ", retired);
        b.Promote(extra, DeploymentGroups.Main, $"The additional batch ({batchSize} instance(s) running {c.Version}) stays in the environment.");
        b.Deregister(retired, c.Drain, $"Taking the last {retired.Count} original instance(s) [{retiredIds}] out of service to return to {c.Instances.Count} instance(s) (in-flight requests get up to {PlanBuilder.Seconds(c.Drain)} to finish).");
        b.Terminate(retired, $"Terminating instance(s) {retiredIds}: the additional batch took their place.");

        var retiredLoss = c.Instances.Count(i => i.InService && retired.Contains(i.Id));
        var minimum = inService + batchSize - Math.Max(worstLoss, retiredLoss);
        return c.Plan(DeploymentStrategy.RollingWithAdditionalBatch, b, batchSize, batches.Count, minimum, pointOfNoReturn,
            $"Rolling deployment with an additional batch of {c.Version}: {batchSize} new instance(s), {updated.Count} instance(s) updated in {batches.Count} batch(es) of {batchSize}, " +
            $"{retired.Count} retired; {minimum} instance(s) stay in service.");
    }

    /// <summary>Deregister → deploy in place → wait healthy → register, batch by batch; returns the most instances in service a batch takes out.</summary>
    private static int RollingBatches(PlanContext c, PlanBuilder b, IReadOnlyList<IReadOnlyList<string>> batches)
    {
        var worstLoss = 0;
        for (var i = 0; i < batches.Count; i++)
        {
            var batch = batches[i];
            var ids = string.Join(", ", batch);
            var number = i + 1;
            worstLoss = Math.Max(worstLoss, c.Instances.Count(x => x.InService && batch.Contains(x.Id)));
            b.Deregister(batch, c.Drain, $"Batch {number}: Taking instance(s) [{ids}] out of service (in-flight requests get up to {PlanBuilder.Seconds(c.Drain)} to finish).");
            b.DeployInPlace(batch, c.Version, $"Deploying new version to instance(s) {ids} (batch {number} of {batches.Count}).");
            b.WaitHealthy(batch, c.HealthTimeout, c.IgnoreHealthCheck,
                $"Batch {number}: Waiting for instance(s) [{ids}] to pass health checks (up to {PlanBuilder.Seconds(c.HealthTimeout)}).");
            b.Register(batch, DeploymentGroups.Main, $"Batch {number}: Completed application deployment command execution; instance(s) [{ids}] back in service.");
        }

        return worstLoss;
    }

    internal static DeploymentPlan Immutable(PlanContext c)
    {
        var b = new PlanBuilder();
        var count = c.Instances.Count;
        var all = PlanBuilder.NewRefs("immutable", count);
        var first = all.Take(1).ToList();
        var rest = all.Skip(1).ToList();
        b.Launch(first, c.Version, c.Config, DeploymentGroups.Main, temporary: true,
            $"Immutable deployment: launching 1 instance running {c.Version} in a temporary group.");
        b.WaitHealthy(first, c.HealthTimeout, c.IgnoreHealthCheck);
        b.Register(first, DeploymentGroups.Main, "The first new instance passed its health checks and serves traffic beside the old instance(s).");
        if (rest.Count > 0)
        {
            b.Launch(rest, c.Version, c.Config, DeploymentGroups.Main, temporary: true,
                $"Launching {rest.Count} more instance(s) running {c.Version}, so the temporary group matches the {count} original instance(s).");
            b.WaitHealthy(rest, c.HealthTimeout, c.IgnoreHealthCheck);
            b.Register(rest, DeploymentGroups.Main);
        }

        var pointOfNoReturn = b.Steps.Count;
        b.Promote(all, DeploymentGroups.Main, $"Moving the {count} new instance(s) from the temporary group into the environment.");
        b.Deregister(c.Ids, c.Drain, $"Taking the old instance(s) {string.Join(", ", c.Ids)} out of service (in-flight requests get up to {PlanBuilder.Seconds(c.Drain)} to finish).");
        b.Terminate(c.Ids, $"Terminating the old instance(s) {string.Join(", ", c.Ids)}.");
        return c.Plan(DeploymentStrategy.Immutable, b, count, 1, c.Instances.Count(i => i.InService), pointOfNoReturn,
            $"Immutable deployment of {c.Version}: {count} new instance(s) in a temporary group, then the {count} old one(s) terminated.");
    }

    private static DeploymentPlan TrafficSplitting(PlanContext c, TrafficSchedule schedule, CanaryThresholds? analysis)
    {
        var b = new PlanBuilder();
        var count = c.Instances.Count;
        var fleet = PlanBuilder.NewRefs("candidate", count);
        b.Launch(fleet, c.Version, c.Config, DeploymentGroups.Candidate, temporary: true,
            $"Traffic-splitting deployment: launching {count} instance(s) running {c.Version} in a temporary group.");
        b.WaitHealthy(fleet, c.HealthTimeout, c.IgnoreHealthCheck);
        b.Register(fleet, DeploymentGroups.Candidate, $"The {count} new instance(s) passed health checks; they get no traffic yet.");
        foreach (var increment in schedule.Increments.Where(i => i.Percent < 100))
        {
            b.Shift(Weights(increment.Percent), $"Sending {increment.Percent} % of traffic to the new version {c.Version}.");
            b.Evaluate(DeploymentGroups.Candidate, DeploymentGroups.Main, increment.Hold, analysis,
                $"Evaluating the new version for {TrafficSchedule.FormatDuration(increment.Hold)} with {increment.Percent} % of traffic" +
                (analysis is null ? "." : ", comparing its error rate and latency with the old version's."));
        }

        b.Shift(Weights(100), $"Sending all traffic to the new version {c.Version}.");
        var pointOfNoReturn = b.Steps.Count;
        b.Deregister(c.Ids, c.Drain, $"Taking the old instance(s) {string.Join(", ", c.Ids)} out of service (in-flight requests get up to {PlanBuilder.Seconds(c.Drain)} to finish).");
        b.Terminate(c.Ids, $"Terminating the old instance(s) {string.Join(", ", c.Ids)}.");
        b.Promote(fleet, DeploymentGroups.Main, $"Moving the {count} new instance(s) into the environment.");
        return c.Plan(DeploymentStrategy.TrafficSplitting, b, count, 1, c.Instances.Count(i => i.InService), pointOfNoReturn,
            $"Traffic-splitting deployment of {c.Version}: {count} new instance(s), traffic {schedule}, then the old instance(s) terminated.");
    }

    internal static IReadOnlyList<GroupWeight> Weights(int candidatePercent) =>
        [new GroupWeight(DeploymentGroups.Main, 100 - candidatePercent), new GroupWeight(DeploymentGroups.Candidate, candidatePercent)];

    /// <summary>What every policy's planning shares.</summary>
    internal sealed record PlanContext(
        string Version, long? Config, IReadOnlyList<InstanceSnapshot> Instances, TimeSpan Drain, TimeSpan HealthTimeout, bool IgnoreHealthCheck)
    {
        public IReadOnlyList<string> Ids { get; } = [.. Instances.Select(i => i.Id)];

        public DeploymentPlan Plan(
            DeploymentStrategy strategy, PlanBuilder builder, int batchSize, int batchCount, int minimumInService, int pointOfNoReturn, string summary) =>
            new(strategy, Instances, builder.Steps)
            {
                TargetVersionLabel = Version,
                PreviousVersionLabel = Instances.GroupBy(i => i.VersionLabel, StringComparer.Ordinal)
                    .OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault(),
                TargetConfigGeneration = Config,
                PreviousConfigGeneration = Instances.Count == 0 ? null : Instances.Max(i => i.ConfigGeneration),
                BatchSize = batchSize,
                BatchCount = batchCount,
                MinimumInService = Math.Max(0, minimumInService),
                PointOfNoReturn = pointOfNoReturn,
                DeregistrationDelay = Drain,
                HealthTimeout = HealthTimeout,
                IgnoreHealthCheck = IgnoreHealthCheck,
                Summary = summary,
            };
    }
}
