namespace Sprout.Server.Routing;

/// <summary>
/// Runs socket completions on the socket engine's own threads instead of hopping to the thread pool:
/// with Kestrel's inline scheduling on the router listener it is the largest single lever on the
/// router's throughput and CPU per request (reference/router-baseline.md; measured again here).
/// The runtime reads the switch once, when the process starts its socket engine, so it must be set
/// before the first asynchronous socket operation. A value already set (for example 0) is respected.
/// The price: nothing that continues after a socket await in this process may block (see docs/architecture.md).
/// </summary>
internal static class InlineSocketCompletions
{
    public const string Variable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static void EnableBeforeFirstSocket()
    {
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "1");
        }
    }
}
