namespace Sprout.Core.Deployments;

/// <summary>What went wrong in a step, in words for the failure event.</summary>
/// <param name="Instances">The instances at fault, when known.</param>
public sealed record StepFailure(StepFailureKind Kind, string Detail, IReadOnlyList<string>? Instances = null);
