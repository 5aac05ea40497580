using Sprout.Core.Api;
using Sprout.Core.Deployments;
using Sprout.Core.Model;

namespace Sprout.Integration.Tests.Cli;

/// <summary>Deployment progress documents as the server shapes them: a Rolling deployment of v2 to 4 instances in 2 batches of 2.</summary>
internal static class ProgressDocuments
{
    public static readonly DateTimeOffset T0 = new(2026, 11, 22, 8, 0, 0, TimeSpan.Zero);

    public const string HealthDetail = "2 of 2 instance(s) did not pass their health checks within the command timeout (4 s). i-1: GET /no-such-health-page returned HTTP 404";

    public static DeploymentState Rolling(int instances = 4) =>
        DeploymentState.Start(DeploymentPlanner.Plan(new DeploymentRequest("v2",
            [.. Enumerable.Range(1, instances).Select(n => new InstanceSnapshot($"i-{n}", "v1", InService: true))], instances)
        {
            Options = DeploymentPolicyOptions.Defaults with { Policy = DeploymentPolicy.Rolling, BatchSizeType = BatchSizeType.Fixed, BatchSize = 2 },
        }));

    /// <summary>Runs <paramref name="steps"/> steps to success, one second each.</summary>
    public static DeploymentState Succeed(DeploymentState state, int steps)
    {
        for (var i = 0; i < steps; i++)
        {
            var step = ((RunStepAction)DeploymentCursor.NextAction(state)).Step;
            var at = T0.AddSeconds(state.Records.Count);
            state = state.Started(step.Index, at).Succeeded(step.Index, at.AddSeconds(1));
        }

        return state;
    }

    public static DeploymentState FailNext(DeploymentState state, string detail = HealthDetail)
    {
        var step = ((RunStepAction)DeploymentCursor.NextAction(state)).Step;
        var at = T0.AddSeconds(state.Records.Count);
        return state.Started(step.Index, at).Failed(step.Index, new StepFailure(StepFailureKind.HealthCheckFailed, detail), at.AddSeconds(4));
    }

    public static DeploymentProgressDto Describe(DeploymentState state, long deploymentId = 3, int secondsIn = 30, params DeploymentInstanceView[] instances) =>
        DeploymentProgress.Describe(state, new DeploymentProgressSource("web-env", deploymentId,
            instances.Length > 0 ? instances : [.. state.Plan.OriginalInstances.Select(i => new DeploymentInstanceView(i.Id, i.VersionLabel, InstanceState.InService, DeploymentGroups.Main, "Ok"))],
            [new GroupWeight(DeploymentGroups.Main, 100)],
            T0.AddSeconds(secondsIn)));
}
