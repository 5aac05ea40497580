using Sprout.Core.Model;

namespace Sprout.Core.Health.Enhanced;

/// <summary>Colour and badness of each <see cref="HealthStatus"/>.</summary>
public static class HealthStatuses
{
    /// <summary>Beanstalk's colour: Ok/Info green, Warning yellow, Degraded/Severe red, the rest grey.</summary>
    public static HealthColor ColorOf(HealthStatus status) => status switch
    {
        HealthStatus.Ok or HealthStatus.Info => HealthColor.Green,
        HealthStatus.Warning => HealthColor.Yellow,
        HealthStatus.Degraded or HealthStatus.Severe => HealthColor.Red,
        _ => HealthColor.Grey,
    };

    /// <summary>
    /// Higher is worse. Follows Beanstalk's CloudWatch encoding (Ok 0, Info 1, Unknown 5, NoData 10, Warning 15,
    /// Degraded 20, Severe 25); Pending, which Beanstalk does not encode, sits between Info and Unknown.
    /// </summary>
    public static int Badness(HealthStatus status) => status switch
    {
        HealthStatus.Ok => 0,
        HealthStatus.Info => 1,
        HealthStatus.Pending => 2,
        HealthStatus.Unknown => 5,
        HealthStatus.NoData => 10,
        HealthStatus.Warning => 15,
        HealthStatus.Degraded => 20,
        HealthStatus.Severe => 25,
        HealthStatus.Suspended => 30,
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    public static HealthStatus Worse(HealthStatus a, HealthStatus b) => Badness(b) > Badness(a) ? b : a;

    /// <summary>Warning, Degraded or Severe: something a person should look at.</summary>
    public static bool IsProblem(HealthStatus status) => status is HealthStatus.Warning or HealthStatus.Degraded or HealthStatus.Severe;
}
