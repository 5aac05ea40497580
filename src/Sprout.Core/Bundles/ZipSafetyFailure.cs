namespace Sprout.Core.Bundles;

/// <param name="Code">One of <see cref="ZipSafetyCodes"/>.</param>
/// <param name="Message">Says what was wrong and, where there is one, which entry.</param>
public sealed record ZipSafetyFailure(string Code, string Message);
