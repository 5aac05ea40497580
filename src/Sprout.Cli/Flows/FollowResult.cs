using Sprout.Core.Api;

namespace Sprout.Cli.Flows;

/// <param name="Environment">The environment when following stopped; null when the server no longer knows it.</param>
/// <param name="Failure">The first event that reported a failure, if any.</param>
internal sealed record FollowResult(EnvironmentDto? Environment, EventDto? Failure, bool TimedOut, long LastEventId);
