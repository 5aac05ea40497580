namespace Sprout.Server.Store;

/// <summary>
/// An operation just begun: the environment as it now is, and the id of the last event written before the operation's
/// own, so a client can follow the operation's events from its first one without asking for a mark beforehand.
/// </summary>
internal sealed record OperationStart(EnvironmentRow Row, long EventsBefore);
