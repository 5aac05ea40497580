using Sprout.Core.Model;

namespace Sprout.Server.Store;

/// <summary>An event to be written in the same transaction as the change it describes.</summary>
internal sealed record EventDraft(EventSeverity Severity, string Message, string? Application = null, string? Environment = null, string? VersionLabel = null);
