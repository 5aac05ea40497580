using System.IO.Compression;

namespace Sprout.Core.Bundles;

/// <summary>An entry that passed the name and type rules.</summary>
/// <param name="RelativePath">Canonical: <c>/</c>-separated, no empty, <c>.</c> or <c>..</c> segments, no trailing slash.</param>
/// <param name="UnixMode">The Unix mode from the high 16 bits of the external attributes; 0 when the zip was not made on Unix.</param>
internal readonly record struct ZipSafetyEntry(ZipArchiveEntry Entry, string RelativePath, bool IsDirectory, int UnixMode);
