using System.CommandLine;
using Sprout.Cli.Flows;
using Sprout.Core.Api;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout scale N [ENV]</c>: run N instances (MinSize = MaxSize = N).</summary>
internal static class ScaleCommand
{
    public static Command Create(CliContext context)
    {
        var count = new Argument<int>("N") { Description = "Number of instances to run." };
        Validation.Require(count, value => value >= 1, "N must be at least 1 (use `sprout terminate` to stop an environment).");
        var environment = EnvironmentArgument.Optional("Environment to scale");
        var command = new Command("scale", "Set the number of instances of an environment and wait until they are in service.");
        command.Arguments.Add(count);
        command.Arguments.Add(environment);
        var wait = WaitOptions.AddTo(command);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var name = session.ResolveEnvironment(parseResult.GetValue(environment));
            var instances = parseResult.GetValue(count);
            var deadline = wait.DeadlineFrom(parseResult, session.Time);
            var waiter = new EnvironmentWaiter(session);
            var mark = await waiter.MarkAsync(name, cancellationToken).ConfigureAwait(false);
            await session.Api.ScaleAsync(name, new ScaleRequest(instances), cancellationToken).ConfigureAwait(false);
            session.Output.Progress.WriteLine($"Scaling {name} to {instances} instance(s) …");
            return parseResult.GetValue(wait.NoHang)
                ? await NoHang.FinishAsync(session, name, cancellationToken).ConfigureAwait(false)
                : await waiter.WaitForReadyAsync(name, mark, deadline, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
