namespace Sprout.Core.Health.Enhanced;

/// <summary>One rule that fired: its name (see docs/health-rules.md), the status it asks for, and why, in words a person can act on.</summary>
public sealed record HealthFinding(string Rule, HealthStatus Status, string Cause);
