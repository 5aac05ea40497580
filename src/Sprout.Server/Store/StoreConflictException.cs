namespace Sprout.Server.Store;

/// <summary>A write refused because it would break a uniqueness rule or an expected state; the message is for people.</summary>
internal sealed class StoreConflictException(string code, string message) : Exception(message)
{
    public string Code { get; } = code;
}
