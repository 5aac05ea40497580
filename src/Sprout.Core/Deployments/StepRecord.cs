namespace Sprout.Core.Deployments;

/// <summary>What happened to one step. <paramref name="StartedAt"/> is when it first started, kept across restarts.</summary>
public sealed record StepRecord(int Index, StepStatus Status, DateTimeOffset StartedAt, DateTimeOffset? FinishedAt = null, string? Detail = null);
