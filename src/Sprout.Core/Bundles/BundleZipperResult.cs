namespace Sprout.Core.Bundles;

/// <summary>What went into a source bundle.</summary>
/// <param name="IgnoreFile">".ebignore" or ".gitignore" when the root one was honoured; null when neither exists.</param>
public sealed record BundleZipperResult(int FileCount, long UncompressedBytes, string? IgnoreFile);
