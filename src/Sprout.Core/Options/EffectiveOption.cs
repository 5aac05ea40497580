namespace Sprout.Core.Options;

/// <summary>An option's effective value and where it came from (see <see cref="OptionSources"/>).</summary>
public sealed record EffectiveOption(string Namespace, string OptionName, string Value, string Source, string? ResourceName = null);
