namespace Sprout.Core.Model;

/// <summary>An application version's lifecycle: built once, then immutable.</summary>
public enum VersionStatus
{
    Processing,
    Processed,
    Failed,
}
