namespace Sprout.Cli.Http;

/// <summary>No HTTP answer at all: refused connection, unknown host, or no reply in time.</summary>
public sealed class ServerUnreachableException(Uri serverUrl, string reason, Exception? inner = null)
    : Exception($"cannot reach the Sprout server at {ServerConnection.Display(serverUrl)}: {reason}", inner)
{
    public Uri ServerUrl { get; } = serverUrl;

    public string Reason { get; } = reason;
}
