using System.CommandLine;
using System.Net;
using Sprout.Cli.Http;

namespace Sprout.Cli.Commands;

/// <summary>Runs a verb's body and turns the failures every verb shares into one clear message and an exit code.</summary>
internal static class CommandRunner
{
    public delegate Task<int> ClientAction(ClientSession session, ParseResult parseResult, CancellationToken cancellationToken);

    public static void SetClientAction(Command command, CliContext context, CommonOptions common, ClientAction action) =>
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            ClientSession? session = null;
            try
            {
                session = await ClientSession.OpenAsync(context, parseResult.GetValue(common.App), parseResult.GetValue(common.Json), cancellationToken)
                    .ConfigureAwait(false);
                return await action(session, parseResult, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (TryReport(context, ex, session?.Api.Connection, cancellationToken, out var exitCode))
            {
                return exitCode;
            }
            finally
            {
                session?.Dispose();
            }
        });

    /// <summary>Reports the failures that are expected in normal use; anything else is a bug and propagates.</summary>
    public static bool TryReport(CliContext context, Exception exception, ServerConnection? connection, CancellationToken cancellationToken, out int exitCode)
    {
        var error = context.Error;
        switch (exception)
        {
            case UsageException usage:
                error.WriteLine($"sprout: {usage.Message}");
                exitCode = ExitCodes.Usage;
                return true;
            case ServerUnreachableException unreachable:
                error.WriteLine($"sprout: {unreachable.Message}.");
                error.WriteLine("Start it with `sprout server`, or point SPROUT_URL (or server_url in .sprout/config.yml) at a running one.");
                exitCode = ExitCodes.Failed;
                return true;
            case ApiException { StatusCode: HttpStatusCode.Unauthorized } unauthorized:
                error.WriteLine($"sprout: the Sprout server at {connection?.DisplayUrl} refused the request (401): {unauthorized.Message}");
                error.WriteLine(connection?.TokenSource is { } source
                    ? $"The token came from {source}. Set SPROUT_TOKEN to the server's token (the file `token` in its data directory: /var/lib/sprout/token for a root server, ~/.sprout/token otherwise)."
                    : "No token was found. Set SPROUT_TOKEN to the server's token, e.g. `export SPROUT_TOKEN=$(cat /var/lib/sprout/token)` (root server) or `$(cat ~/.sprout/token)` on the server's machine.");
                exitCode = ExitCodes.Failed;
                return true;
            case ApiException api:
                error.WriteLine(api.Error is null
                    ? $"sprout: {api.Message}"
                    : $"sprout: {api.Message} ({(int)api.StatusCode} {api.Error})");
                exitCode = ExitCodes.Failed;
                return true;
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                error.WriteLine("sprout: interrupted. Anything already sent to the server carries on; follow it with `sprout events -f`.");
                exitCode = ExitCodes.Interrupted;
                return true;
            default:
                exitCode = ExitCodes.Failed;
                return false;
        }
    }
}
