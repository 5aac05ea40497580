using Sprout.Core.Model;

namespace Sprout.Core.Health;

/// <summary>What the health rules need to know of one instance.</summary>
/// <param name="Cause">Why it is not in service (last health-check failure, exit, crash loop), or null.</param>
public sealed record InstanceHealthView(string InstanceId, InstanceState State, string? Cause, bool CrashLooping = false);
