using Sprout.Core.Model;

namespace Sprout.Core.Options;

/// <summary>One problem with one option; <see cref="Message"/> names the option so it can be shown on its own.</summary>
public sealed record OptionError(OptionKey Key, string Message);
