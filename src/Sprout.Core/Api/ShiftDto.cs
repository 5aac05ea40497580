namespace Sprout.Core.Api;

/// <summary>
/// A weighted CNAME shift: the environment in the path hands its hostname to <paramref name="DestinationName"/> step
/// by step, following <paramref name="Steps"/> (<c>10%:30s,50%:30s,100%</c> or <c>+25%:30s</c>); at 100 % the two
/// CNAMEs are exchanged, as a swap does.
/// </summary>
/// <param name="Analyze">Compare the two environments' router metrics at the end of every hold, with the source
/// environment's <c>sprout:deployment:canary</c> thresholds, and shift back on a regression.</param>
public sealed record ShiftRequest(string DestinationName, string Steps, bool Analyze = false);

/// <summary>Both environments as the shift begins (both Updating), and the schedule it follows, in canonical form.</summary>
public sealed record ShiftResultDto(EnvironmentDto Source, EnvironmentDto Destination, string Steps);
