namespace Sprout.Core.Health.Enhanced;

/// <summary>
/// A rule that grades a number: at or above <see cref="Warning"/> it asks for Warning, at or above <see cref="Degraded"/>
/// Degraded, at or above <see cref="Severe"/> Severe. A disabled rule never fires.
/// </summary>
public sealed record RuleThresholds(bool Enabled, double Warning, double Degraded, double Severe)
{
    /// <summary>The status <paramref name="value"/> earns, or null when it is below every threshold (or the rule is off).</summary>
    public HealthStatus? Grade(double value) =>
        !Enabled ? null
        : value >= Severe ? HealthStatus.Severe
        : value >= Degraded ? HealthStatus.Degraded
        : value >= Warning ? HealthStatus.Warning
        : null;

    /// <summary>Null when the thresholds are in order, else the problem.</summary>
    public string? Problem(string rule) =>
        Warning < 0 || Degraded < Warning || Severe < Degraded
            ? $"{rule}: thresholds must satisfy 0 <= Warning <= Degraded <= Severe (got {Warning}, {Degraded}, {Severe})."
            : null;
}
