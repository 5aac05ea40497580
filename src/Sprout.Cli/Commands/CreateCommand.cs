using System.CommandLine;
using Sprout.Cli.Flows;
using Sprout.Core.Api;
using Sprout.Core.Names;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout create [ENV]</c>: upload the project as a new version and launch an environment running it.</summary>
internal static class CreateCommand
{
    public static Command Create(CliContext context)
    {
        var environment = new Argument<string?>("ENV")
        {
            Description = "Name of the new environment (4–40 letters, digits, hyphens). Default: <app>-dev.",
            Arity = ArgumentArity.ZeroOrOne,
        };
        var instances = new Option<int?>("--instances")
        {
            Description = "Number of instances to run (load balanced). Default: the server's default capacity.",
            HelpName = "N",
        };
        var single = new Option<bool>("--single", "-s") { Description = "Single-instance environment (no load-balanced capacity)." };
        var cname = new Option<string?>("--cname", "-c")
        {
            Description = "CNAME prefix: the environment is served at <prefix>.<domain>. Default: the environment name.",
            HelpName = "PREFIX",
        };
        var version = new Option<string?>("--version")
        {
            Description = "Launch this existing application version instead of uploading the current directory.",
            HelpName = "LABEL",
        };
        var label = new Option<string?>("--label", "-l")
        {
            Description = "Label for the uploaded version. Default: app-YYMMDD_HHMMSS.",
            HelpName = "LABEL",
        };
        var envvars = new Option<string?>("--envvars")
        {
            Description = "Environment properties for the app, as NAME=VALUE pairs separated by commas.",
            HelpName = "K=V,K2=V2",
        };
        Validation.Require(instances, value => value is null or >= 1, "--instances must be at least 1.");

        var command = new Command("create", "Upload the current directory as a new version and launch a new environment running it; waits until it is Ready.");
        command.Arguments.Add(environment);
        foreach (var option in new Option[] { instances, single, cname, version, label, envvars })
        {
            command.Options.Add(option);
        }

        var wait = WaitOptions.AddTo(command);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var application = session.Application;
            var name = parseResult.GetValue(environment) ?? $"{application}-dev";
            Validate(ResourceNames.ValidateEnvironmentName(name));
            var prefix = parseResult.GetValue(cname);
            if (prefix is not null)
            {
                Validate(ResourceNames.ValidateCnamePrefix(prefix));
            }

            var isSingle = parseResult.GetValue(single);
            var count = parseResult.GetValue(instances);
            if (isSingle && count is > 1)
            {
                throw new UsageException("--single and --instances greater than 1 contradict each other.");
            }

            if (parseResult.GetValue(version) is not null && parseResult.GetValue(label) is not null)
            {
                throw new UsageException("--version deploys an existing version and --label names a new upload; give one of them.");
            }

            var properties = EnvironmentProperties.ParseList(parseResult.GetValue(envvars));
            var deadline = wait.DeadlineFrom(parseResult, session.Time);
            var ready = await new VersionPublisher(session)
                .PrepareAsync(parseResult.GetValue(version), parseResult.GetValue(label), description: null, deadline, cancellationToken)
                .ConfigureAwait(false);
            if (ready is null)
            {
                return ExitCodes.Failed;
            }

            var waiter = new EnvironmentWaiter(session);
            var mark = await waiter.MarkAsync(name, cancellationToken).ConfigureAwait(false);
            var request = new CreateEnvironmentRequest(
                application,
                name,
                ready.VersionLabel,
                prefix,
                count,
                isSingle,
                properties.Count == 0 ? null : properties);
            var created = await session.Api.CreateEnvironmentAsync(request, cancellationToken).ConfigureAwait(false);
            session.Output.Progress.WriteLine($"Creating environment {created.EnvironmentName} ({created.EnvironmentId}) with version {ready.VersionLabel} …");
            await session.SaveDefaultEnvironmentAsync(created.EnvironmentName, cancellationToken).ConfigureAwait(false);
            if (parseResult.GetValue(wait.NoHang))
            {
                return Finish(session, created, ExitCodes.Success);
            }

            var exitCode = await waiter.WaitForReadyAsync(name, mark, deadline, cancellationToken).ConfigureAwait(false);
            session.Output.Progress.WriteLine($"URL: {created.EndpointUrl}");
            return exitCode;
        });
        return command;
    }

    private static void Validate(string? problem)
    {
        if (problem is not null)
        {
            throw new UsageException(problem);
        }
    }

    private static int Finish(ClientSession session, EnvironmentDto environment, int exitCode)
    {
        if (session.Output.Json)
        {
            session.Output.WriteJson(environment);
        }

        session.Output.Progress.WriteLine($"Not waiting (--nohang). Follow it with `sprout events {environment.EnvironmentName} -f`. URL: {environment.EndpointUrl}");
        return exitCode;
    }
}
