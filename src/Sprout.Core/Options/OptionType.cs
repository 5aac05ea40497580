namespace Sprout.Core.Options;

/// <summary>How an option's value is written and checked.</summary>
public enum OptionType
{
    Integer,
    Boolean,
    String,
    Enum,

    /// <summary>Comma-separated list; items are checked against <see cref="OptionDefinition.AllowedValues"/> when given.</summary>
    List,
    Json,
}
