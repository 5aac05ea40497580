namespace Sprout.Core.Deployments;

/// <summary>Waits (rolling update PauseTime).</summary>
public sealed record PauseStep(int Index, string Description, TimeSpan Duration)
    : DeploymentStep(Index, Description);
