using System.CommandLine;
using Sprout.Cli.Output;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout versions</c>: the application's versions, newest first.</summary>
internal static class VersionsCommand
{
    public static Command Create(CliContext context)
    {
        var command = new Command("versions", "List the application's versions: label, build status, platform, size and date.");
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var versions = await session.Api.ListVersionsAsync(session.Application, cancellationToken).ConfigureAwait(false);
            if (session.Output.Json)
            {
                session.Output.WriteJson(versions);
                return ExitCodes.Success;
            }

            TablePrinter.Write(
                session.Output.Out,
                ["label", "status", "platform", "size", "created", "description"],
                versions
                    .OrderByDescending(v => v.DateCreated)
                    .Select(v => new[]
                    {
                        v.VersionLabel,
                        v.Status.ToString(),
                        v.Platform,
                        CliOutput.FormatSize(v.BundleSize),
                        CliOutput.FormatTime(v.DateCreated),
                        v.FailureReason is null ? v.Description : $"build failed: {v.FailureReason}",
                    }));
            return ExitCodes.Success;
        });
        return command;
    }
}
