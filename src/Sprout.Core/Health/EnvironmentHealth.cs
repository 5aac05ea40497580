using Sprout.Core.Model;

namespace Sprout.Core.Health;

/// <summary>A judged environment: Beanstalk's colour, enhanced status name and causes a person can act on.</summary>
public sealed record EnvironmentHealth(HealthColor Color, string Status, IReadOnlyList<string> Causes)
{
    public bool SameAs(EnvironmentHealth other) =>
        Color == other.Color && Status == other.Status && Causes.SequenceEqual(other.Causes);
}
