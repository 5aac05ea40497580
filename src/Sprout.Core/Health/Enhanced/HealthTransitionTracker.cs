namespace Sprout.Core.Health.Enhanced;

/// <summary>
/// Keeps health events from flapping: a new status is reported only once it has held for <see cref="HoldFor"/>
/// (Beanstalk emits health events only when an issue persists across several checks). The first status observed is
/// reported at once. One tracker per environment (or instance); not thread-safe.
/// </summary>
public sealed class HealthTransitionTracker
{
    private readonly string _subject;
    private HealthStatus? _candidate;
    private DateTimeOffset _candidateSince;

    /// <param name="subject">How messages name what changed: "Environment" or "Instance i-…".</param>
    /// <param name="holdFor">How long a new status must hold before it is reported (default 20 s: two 10-second checks).</param>
    public HealthTransitionTracker(string subject = "Environment", TimeSpan? holdFor = null)
    {
        ArgumentNullException.ThrowIfNull(subject);
        _subject = subject;
        HoldFor = holdFor ?? TimeSpan.FromSeconds(20);
    }

    public TimeSpan HoldFor { get; }

    /// <summary>The status last reported; null before the first observation.</summary>
    public HealthStatus? Reported { get; private set; }

    /// <summary>Feeds one evaluation; returns the transition to report, if this one completes one.</summary>
    public HealthTransition? Observe(HealthStatus status, IReadOnlyList<string> causes, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(causes);
        if (Reported is null)
        {
            return Report(status, causes, at);
        }

        if (status == Reported)
        {
            _candidate = null;
            return null;
        }

        if (_candidate != status)
        {
            _candidate = status;
            _candidateSince = at;
        }

        return at - _candidateSince >= HoldFor ? Report(status, causes, at) : null;
    }

    private HealthTransition Report(HealthStatus status, IReadOnlyList<string> causes, DateTimeOffset at)
    {
        var from = Reported;
        Reported = status;
        _candidate = null;
        var worse = from is null ? HealthStatuses.IsProblem(status) : HealthStatuses.Badness(status) > HealthStatuses.Badness(from.Value);
        var reasons = worse && causes.Count > 0 ? " " + string.Join(" ", causes) : "";
        var message = from is null
            ? $"{_subject} health has been set to {status}.{reasons}"
            : $"{_subject} health has transitioned from {from} to {status}.{reasons}";
        return new HealthTransition(from, status, worse ? causes : [], at, message);
    }
}
