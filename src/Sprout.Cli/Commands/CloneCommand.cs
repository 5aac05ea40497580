using System.CommandLine;
using Sprout.Cli.Flows;
using Sprout.Core.Api;
using Sprout.Core.Names;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout clone [ENV] --clone-name NAME</c>: a new environment with the source's version and configuration (not its data).</summary>
internal static class CloneCommand
{
    public static Command Create(CliContext context)
    {
        var environment = EnvironmentArgument.Optional("Environment to clone");
        var cloneName = new Option<string>("--clone-name", "--clone_name", "-n")
        {
            Description = "Name of the new environment.",
            Required = true,
        };
        var cname = new Option<string?>("--cname", "-c") { Description = "CNAME prefix of the new environment (default: its name)." };
        var command = new Command("clone", "Create a copy of an environment: same application version, same configuration, new instances and CNAME. Use it with `sprout swap` for blue/green deployments.");
        command.Arguments.Add(environment);
        command.Options.Add(cloneName);
        command.Options.Add(cname);
        var wait = WaitOptions.AddTo(command);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var source = session.ResolveEnvironment(parseResult.GetValue(environment));
            var name = parseResult.GetValue(cloneName)!;
            if (ResourceNames.ValidateEnvironmentName(name) is { } problem)
            {
                throw new UsageException(problem);
            }

            var prefix = parseResult.GetValue(cname);
            if (prefix is not null && ResourceNames.ValidateCnamePrefix(prefix) is { } cnameProblem)
            {
                throw new UsageException(cnameProblem);
            }

            var deadline = wait.DeadlineFrom(parseResult, session.Time);
            var waiter = new EnvironmentWaiter(session);
            var mark = await waiter.MarkAsync(name, cancellationToken).ConfigureAwait(false);
            var created = await session.Api.CloneAsync(source, new CloneRequest(name, prefix), cancellationToken).ConfigureAwait(false);
            session.Output.Progress.WriteLine($"Cloning {source} as {created.EnvironmentName} ({created.EnvironmentId}) with version {created.VersionLabel} …");
            if (parseResult.GetValue(wait.NoHang))
            {
                return await NoHang.FinishAsync(session, name, cancellationToken).ConfigureAwait(false);
            }

            var exitCode = await waiter.WaitForReadyAsync(name, mark, deadline, cancellationToken).ConfigureAwait(false);
            session.Output.Progress.WriteLine($"URL: {created.EndpointUrl}");
            return exitCode;
        });
        return command;
    }
}
