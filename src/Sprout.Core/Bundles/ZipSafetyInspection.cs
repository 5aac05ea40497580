using System.Diagnostics.CodeAnalysis;

namespace Sprout.Core.Bundles;

/// <summary>The outcome of <see cref="ZipSafety.Inspect"/> or <see cref="ZipSafety.ExtractToAsync"/>: either a failure or the facts a builder needs.</summary>
public sealed class ZipInspection
{
    private ZipInspection(ZipSafetyFailure? failure, int entryCount, long totalUncompressedBytes, IReadOnlyList<string> rootFileNames, IReadOnlyList<string> rootDirectoryNames)
    {
        Failure = failure;
        EntryCount = entryCount;
        TotalUncompressedBytes = totalUncompressedBytes;
        RootFileNames = rootFileNames;
        RootDirectoryNames = rootDirectoryNames;
    }

    public ZipSafetyFailure? Failure { get; }

    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Failure is null;

    public int EntryCount { get; }

    /// <summary>From <see cref="ZipSafety.Inspect"/>: the sum of declared sizes. From <see cref="ZipSafety.ExtractToAsync"/>: the bytes actually written.</summary>
    public long TotalUncompressedBytes { get; }

    /// <summary>Files at the root of the bundle (<c>Procfile</c>, <c>package.json</c>, ...), ordinal order.</summary>
    public IReadOnlyList<string> RootFileNames { get; }

    /// <summary>Directories at the root, explicit or implied by deeper entries (<c>.ebextensions</c>, <c>src</c>, ...), ordinal order.</summary>
    public IReadOnlyList<string> RootDirectoryNames { get; }

    public static ZipInspection Failed(string code, string message) => new(new ZipSafetyFailure(code, message), 0, 0, [], []);

    internal static ZipInspection Failed(ZipSafetyFailure failure) => new(failure, 0, 0, [], []);

    internal static ZipInspection Passed(int entryCount, long totalUncompressedBytes, IReadOnlyList<string> rootFileNames, IReadOnlyList<string> rootDirectoryNames) =>
        new(null, entryCount, totalUncompressedBytes, rootFileNames, rootDirectoryNames);
}
