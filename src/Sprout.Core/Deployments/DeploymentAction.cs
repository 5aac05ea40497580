namespace Sprout.Core.Deployments;

/// <summary>What the reconciler does next with a deployment.</summary>
public abstract record DeploymentAction;

/// <summary>
/// Run <paramref name="Step"/>. <paramref name="Resuming"/> says it had started before (the server stopped mid-step);
/// steps are idempotent, so it simply runs again. Timeouts count from <paramref name="FirstStartedAt"/>.
/// </summary>
public sealed record RunStepAction(DeploymentStep Step, DeploymentPhase Phase, bool Resuming, DateTimeOffset? FirstStartedAt) : DeploymentAction;

/// <summary>Nothing left to run: record the outcome and set the environment Ready on <see cref="DeploymentOutcome.EnvironmentVersionLabel"/>.</summary>
public sealed record FinishedAction(DeploymentOutcome Outcome) : DeploymentAction;
