namespace Sprout.Server.Runtime;

/// <summary>Restart policy of an <see cref="InstanceSupervisor"/>.</summary>
public sealed record SupervisorOptions
{
    /// <summary>Wait before the first restart; doubles after each further exit.</summary>
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>This many exits within <see cref="CrashLoopWindow"/> make a crash loop.</summary>
    public int CrashLoopThreshold { get; init; } = 3;

    public TimeSpan CrashLoopWindow { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A process that ran this long before exiting resets the backoff and the attempt count.</summary>
    public TimeSpan StableAfter { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Lines of stderr handed to <see cref="IInstanceObserver.InstanceCrashLooping"/>.</summary>
    public int CrashLoopLogLines { get; init; } = 10;
}
