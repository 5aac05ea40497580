namespace Sprout.Core.Deployments;

/// <summary>
/// Watches <paramref name="Group"/> for <paramref name="Duration"/>: it fails when its instances turn unhealthy, and,
/// with <paramref name="Analysis"/>, when <see cref="CanaryAnalysis.Compare"/> says the new version regresses
/// against <paramref name="BaselineGroup"/>. A resumed evaluation starts its window again.
/// </summary>
public sealed record EvaluateStep(int Index, string Description, string Group, string BaselineGroup, TimeSpan Duration, CanaryThresholds? Analysis)
    : DeploymentStep(Index, Description);
