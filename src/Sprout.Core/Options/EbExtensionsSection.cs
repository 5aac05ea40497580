namespace Sprout.Core.Options;

/// <summary>
/// A top-level <c>.ebextensions</c> key other than <c>option_settings</c> (<c>commands</c>, <c>files</c>, <c>Resources</c>, …),
/// kept for later stages. <see cref="Value"/> is a plain tree: <see cref="string"/> (or null) for scalars,
/// <see cref="IReadOnlyList{T}"/> of values for sequences, <see cref="IReadOnlyDictionary{TKey, TValue}"/> (string keys, document order) for mappings.
/// </summary>
public sealed record EbExtensionsSection(string FileName, string Key, object? Value);
