using Sprout.Core.Model;

namespace Sprout.Core.Api;

/// <summary>An application version. <see cref="Platform"/> and <see cref="StartCommand"/> are known once the build finished.</summary>
public sealed record VersionDto(
    string ApplicationName,
    string VersionLabel,
    string? Description,
    VersionStatus Status,
    string BundleSha256,
    long BundleSize,
    string? Platform,
    string? StartCommand,
    string? FailureReason,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated);
