namespace Sprout.Core.Deployments;

/// <summary>How a deployment ended. The environment always returns to Ready.</summary>
/// <param name="EnvironmentVersionLabel">The version the environment records afterwards (the expected version instances are checked against).</param>
/// <param name="Message">Beanstalk's wording where it has one, e.g. "Environment update completed successfully.".</param>
/// <param name="RecommendedAction">What a person should do next, when anything.</param>
public sealed record DeploymentOutcome(DeploymentResult Result, string? EnvironmentVersionLabel, string Message, string? RecommendedAction = null);
