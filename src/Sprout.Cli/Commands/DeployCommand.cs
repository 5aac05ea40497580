using System.CommandLine;
using Sprout.Cli.Flows;
using Sprout.Cli.Http;
using Sprout.Core.Api;

namespace Sprout.Cli.Commands;

/// <summary>
/// <c>sprout deploy [ENV]</c>: upload the project as a new version (or pick an existing one) and roll it out, showing
/// the deployment's progress (<see cref="DeploymentWaiter"/>); exits non-zero when it fails or is rolled back.
/// </summary>
internal static class DeployCommand
{
    public static Command Create(CliContext context)
    {
        var environment = new Argument<string?>("ENV")
        {
            Description = "Environment to deploy to. Default: the project's default environment.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var version = new Option<string?>("--version")
        {
            Description = "Deploy this existing application version instead of uploading the current directory.",
            HelpName = "LABEL",
        };
        var label = new Option<string?>("--label", "-l")
        {
            Description = "Label for the uploaded version (an existing label is deployed again as is). Default: app-YYMMDD_HHMMSS.",
            HelpName = "LABEL",
        };
        var message = new Option<string?>("--message", "-m")
        {
            Description = "Description of the uploaded version.",
            HelpName = "TEXT",
        };
        var command = new Command("deploy", "Upload the current directory as a new version and deploy it to an environment; shows its progress (steps, batches, instances) until it finished. --json prints the final deployment document.");
        command.Arguments.Add(environment);
        command.Options.Add(version);
        command.Options.Add(label);
        command.Options.Add(message);
        var wait = WaitOptions.AddTo(command);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var name = session.ResolveEnvironment(parseResult.GetValue(environment));
            if (parseResult.GetValue(version) is not null && (parseResult.GetValue(label) is not null || parseResult.GetValue(message) is not null))
            {
                throw new UsageException("--version deploys an existing version; --label and --message describe a new upload. Give one or the other.");
            }

            var deadline = wait.DeadlineFrom(parseResult, session.Time);
            var waiter = new DeploymentWaiter(session);
            DeploymentStarted started;
            if (parseResult.GetValue(version) is { } existing)
            {
                // Straight to the request: the server names a missing or failed version itself, waits for a build still
                // running, and answers with what is needed to follow the deployment; nothing to ask beforehand.
                VersionPublisher.ValidateLabel(existing);
                started = await session.Api.DeployAsync(name, new DeployRequest(existing), cancellationToken).ConfigureAwait(false);
                session.UseApplication(started.Environment.ApplicationName);
            }
            else
            {
                await session.ResolveApplicationAsync(name, cancellationToken).ConfigureAwait(false);
                var ready = await new VersionPublisher(session)
                    .PrepareAsync(existingLabel: null, parseResult.GetValue(label), parseResult.GetValue(message), deadline, cancellationToken)
                    .ConfigureAwait(false);
                if (ready is null)
                {
                    return ExitCodes.Failed;
                }

                started = await session.Api.DeployAsync(name, new DeployRequest(ready.VersionLabel), cancellationToken).ConfigureAwait(false);
            }

            session.Output.Progress.WriteLine($"Deploying version {started.Environment.VersionLabel} to {name} …");
            if (parseResult.GetValue(wait.NoHang))
            {
                return await NoHang.FinishAsync(session, name, cancellationToken).ConfigureAwait(false);
            }

            // A server that names no mark: follow from now, and the deployment it shows first.
            var mark = DeploymentMark.From(started) ?? await waiter.MarkAsync(name, followCurrent: true, cancellationToken).ConfigureAwait(false);
            return await waiter.WaitAsync(name, mark, deadline, cancellationToken).ConfigureAwait(false);
        });
        return command;
    }
}
