using System.CommandLine;
using Sprout.Cli.Output;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout list</c>: the application's environments (or every application's with --all).</summary>
internal static class ListCommand
{
    public static Command Create(CliContext context)
    {
        var all = new Option<bool>("--all") { Description = "List the environments of every application." };
        var command = new Command("list", "List the application's environments; '*' marks the project's default.");
        command.Options.Add(all);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var everyApplication = parseResult.GetValue(all);
            var environments = await session.Api
                .ListEnvironmentsAsync(everyApplication ? null : session.Application, cancellationToken)
                .ConfigureAwait(false);
            if (session.Output.Json)
            {
                session.Output.WriteJson(environments);
                return ExitCodes.Success;
            }

            var defaultEnvironment = session.Config?.GetBranchEnvironment();
            var headers = new List<string> { "  environment", "status", "health", "version", "instances", "url" };
            if (everyApplication)
            {
                headers.Insert(0, "application");
            }

            TablePrinter.Write(
                session.Output.Out,
                headers,
                environments
                    .OrderBy(e => e.ApplicationName, StringComparer.Ordinal)
                    .ThenBy(e => e.EnvironmentName, StringComparer.Ordinal)
                    .Select(e =>
                    {
                        var row = new List<string?>
                        {
                            (e.EnvironmentName == defaultEnvironment ? "* " : "  ") + e.EnvironmentName,
                            e.Status.ToString(),
                            e.Health.ToString(),
                            e.VersionLabel,
                            $"{e.Instances.Count}/{e.DesiredCapacity}",
                            e.EndpointUrl,
                        };
                        if (everyApplication)
                        {
                            row.Insert(0, e.ApplicationName);
                        }

                        return row;
                    }));
            return ExitCodes.Success;
        });
        return command;
    }
}
