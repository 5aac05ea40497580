using System.CommandLine;
using Sprout.Cli.Flows;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout abort [ENV]</c>: stop the deployment in progress and return to the last good state.</summary>
internal static class AbortCommand
{
    public static Command Create(CliContext context)
    {
        var environment = EnvironmentArgument.Optional("Environment whose deployment to abort");
        var command = new Command("abort", "Stop the deployment in progress; the policy's recovery returns the environment to its last good state (as eb abort).");
        command.Arguments.Add(environment);
        var wait = WaitOptions.AddTo(command);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var name = session.ResolveEnvironment(parseResult.GetValue(environment));
            var deadline = wait.DeadlineFrom(parseResult, session.Time);
            var waiter = new DeploymentWaiter(session);
            var mark = await waiter.MarkAsync(name, followCurrent: true, cancellationToken).ConfigureAwait(false);
            await session.Api.AbortAsync(name, cancellationToken).ConfigureAwait(false);
            session.Output.Progress.WriteLine($"Aborting the deployment on {name} …");
            return parseResult.GetValue(wait.NoHang)
                ? await NoHang.FinishAsync(session, name, cancellationToken).ConfigureAwait(false)
                : await waiter.WaitAsync(name, mark, deadline, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
