using Sprout.Core.Model;

namespace Sprout.Core.Options;

/// <summary>What a bundle's <c>.ebextensions</c> contribute: merged option settings, warnings for ignored files, and the other sections.</summary>
/// <param name="OptionSettings">One per key; a later file's value replaces an earlier one's.</param>
/// <param name="Warnings">One per ignored file, naming the file and line.</param>
public sealed record EbExtensionsResult(IReadOnlyList<OptionSetting> OptionSettings, IReadOnlyList<string> Warnings)
{
    /// <summary>Sections other than <c>option_settings</c>, in file order then document order.</summary>
    public IReadOnlyList<EbExtensionsSection> Sections { get; init; } = [];
}
