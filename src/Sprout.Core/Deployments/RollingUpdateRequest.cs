namespace Sprout.Core.Deployments;

/// <summary>A configuration change that needs new instances: replace every instance with one launched with <paramref name="NewConfigGeneration"/>.</summary>
/// <param name="VersionLabel">The application version the replacements run (unchanged by the update).</param>
public sealed record RollingUpdateRequest(long NewConfigGeneration, string VersionLabel, IReadOnlyList<InstanceSnapshot> Instances)
{
    public RollingUpdateOptions Options { get; init; } = RollingUpdateOptions.Defaults;

    public int MinSize { get; init; } = 1;

    public int MaxSize { get; init; } = 4;

    public TimeSpan DeregistrationDelay { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Deployment health settings (<c>aws:elasticbeanstalk:command</c> Timeout, IgnoreHealthCheck) also govern Health and Immutable updates.</summary>
    public TimeSpan CommandTimeout { get; init; } = TimeSpan.FromSeconds(600);

    public bool IgnoreHealthCheck { get; init; }
}
