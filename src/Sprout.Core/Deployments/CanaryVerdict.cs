namespace Sprout.Core.Deployments;

/// <summary>A canary comparison's result with reasons a person can read in events.</summary>
public sealed record CanaryVerdict(CanaryResult Result, IReadOnlyList<string> Reasons);
