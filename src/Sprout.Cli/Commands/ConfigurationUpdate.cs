using System.CommandLine;
using Sprout.Cli.Flows;
using Sprout.Core.Api;

namespace Sprout.Cli.Commands;

/// <summary>Sends an option-settings update and follows it, shared by <c>setenv</c> and <c>config set</c>.</summary>
internal static class ConfigurationUpdate
{
    public static async Task<int> RunAsync(
        ClientSession session,
        string environment,
        UpdateConfigurationRequest request,
        WaitOptions wait,
        ParseResult parseResult,
        CancellationToken cancellationToken)
    {
        var deadline = wait.DeadlineFrom(parseResult, session.Time);
        var waiter = new EnvironmentWaiter(session);
        var mark = await waiter.MarkAsync(environment, cancellationToken).ConfigureAwait(false);
        await session.Api.UpdateConfigurationAsync(environment, request, cancellationToken).ConfigureAwait(false);
        var changes = (request.OptionSettings?.Select(o => $"{o.Namespace}:{o.OptionName}={o.Value}") ?? [])
            .Concat(request.OptionsToRemove?.Select(o => $"{o.Namespace}:{o.OptionName} (removed)") ?? []);
        session.Output.Progress.WriteLine($"Updating {environment}: {string.Join(", ", changes)} …");
        return parseResult.GetValue(wait.NoHang)
            ? await NoHang.FinishAsync(session, environment, cancellationToken).ConfigureAwait(false)
            : await waiter.WaitForReadyAsync(environment, mark, deadline, cancellationToken).ConfigureAwait(false);
    }
}
