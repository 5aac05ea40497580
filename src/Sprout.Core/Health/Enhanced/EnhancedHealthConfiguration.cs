using Sprout.Core.Options;

namespace Sprout.Core.Health.Enhanced;

/// <summary>Builds <see cref="EnhancedHealthOptions"/> from an environment's options.</summary>
public static class EnhancedHealthConfiguration
{
    // Beanstalk gives a command 240 s beyond aws:elasticbeanstalk:command Timeout before holding failures against it.
    private static readonly TimeSpan CommandGrace = TimeSpan.FromSeconds(240);

    /// <summary>
    /// The ConfigDocument applied over the defaults, and the operation timeout from the command Timeout. A document that
    /// does not parse leaves the defaults in force and its problems in <paramref name="errors"/> (to show as a warning event).
    /// </summary>
    public static EnhancedHealthOptions From(EffectiveOptions options, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(options);
        var baseOptions = EnhancedHealthOptions.Default with { OperationTimeout = options.CommandTimeout + CommandGrace };
        return HealthConfigDocument.TryParse(options.HealthConfigDocument, baseOptions, out var document, out errors)
            ? document.Options
            : baseOptions;
    }
}
