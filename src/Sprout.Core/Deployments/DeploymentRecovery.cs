namespace Sprout.Core.Deployments;

/// <summary>What follows a failed step: steps to run (numbered after the plan's), the outcome once they ran, and events to record now.</summary>
public sealed record DeploymentRecovery(IReadOnlyList<DeploymentStep> Steps, DeploymentOutcome Outcome, IReadOnlyList<DeploymentEvent> Events);
