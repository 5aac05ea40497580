namespace Sprout.Core.Deployments;

/// <summary>
/// Waits until every instance passes its health checks, within <paramref name="Timeout"/> counted from when the step
/// first started (a resumed step does not get a fresh timeout). With <paramref name="IgnoreHealthCheck"/> the
/// timeout passing is not a failure: the deployment carries on.
/// </summary>
public sealed record WaitHealthyStep(int Index, string Description, IReadOnlyList<string> Refs, TimeSpan Timeout, bool IgnoreHealthCheck)
    : DeploymentStep(Index, Description)
{
    private protected override IReadOnlyList<string> ActsOn() => Refs;
}
