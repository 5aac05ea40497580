namespace Sprout.Server;

/// <summary>Runs the control plane (API, reconcilers) and the in-process router until cancelled.</summary>
public static class ServerHost
{
    /// <summary>Returns the process exit code.</summary>
    public static Task<int> RunAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        throw new NotImplementedException("The server host is being assembled.");
    }
}
