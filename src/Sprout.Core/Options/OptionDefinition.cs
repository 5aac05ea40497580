namespace Sprout.Core.Options;

/// <summary>One option Sprout knows: its type, default and valid values, as Beanstalk documents them.</summary>
/// <param name="DefaultValue">Null when Beanstalk computes the value or there is none.</param>
/// <param name="Min">Inclusive lower bound for <see cref="OptionType.Integer"/> options.</param>
/// <param name="Max">Inclusive upper bound for <see cref="OptionType.Integer"/> options.</param>
/// <param name="AllowedValues">Values for <see cref="OptionType.Enum"/>, or allowed items for <see cref="OptionType.List"/>.</param>
public sealed record OptionDefinition(
    string Namespace,
    string Name,
    OptionType Type,
    string? DefaultValue,
    long? Min,
    long? Max,
    IReadOnlyList<string>? AllowedValues,
    ChangeSeverity Severity,
    string Description);
