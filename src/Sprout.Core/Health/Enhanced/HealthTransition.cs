using Sprout.Core.Model;

namespace Sprout.Core.Health.Enhanced;

/// <summary>
/// A reported change of health, worded as Beanstalk's event: "Environment health has transitioned from Ok to Severe.
/// &lt;causes&gt;". Causes are included only when the health got worse, as Beanstalk does.
/// </summary>
/// <param name="From">The status reported before; null for the first report.</param>
public sealed record HealthTransition(HealthStatus? From, HealthStatus To, IReadOnlyList<string> Causes, DateTimeOffset At, string Message)
{
    public HealthColor Color => HealthStatuses.ColorOf(To);

    public bool IsWorse => From is null ? HealthStatuses.IsProblem(To) : HealthStatuses.Badness(To) > HealthStatuses.Badness(From.Value);

    /// <summary>Beanstalk's event severity for the change: WARN when worse and a problem, INFO otherwise.</summary>
    public EventSeverity Severity => IsWorse && HealthStatuses.IsProblem(To) ? EventSeverity.WARN : EventSeverity.INFO;
}
