using Sprout.Core.Model;

namespace Sprout.Server.Store;

internal sealed class VersionRow
{
    public string Application { get; set; } = "";

    public string Label { get; set; } = "";

    public string? Description { get; set; }

    public VersionStatus Status { get; set; }

    public string BundleSha256 { get; set; } = "";

    public long BundleSize { get; set; }

    public string? Platform { get; set; }

    public string? StartCommand { get; set; }

    public string? SlugDirectory { get; set; }

    public string? FailureReason { get; set; }

    public DateTimeOffset Created { get; set; }

    public DateTimeOffset Updated { get; set; }
}
