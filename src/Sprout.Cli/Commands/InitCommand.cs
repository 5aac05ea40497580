using System.CommandLine;
using Sprout.Cli.Http;
using Sprout.Cli.Output;
using Sprout.Cli.Project;
using Sprout.Core.Names;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout init APP</c>: makes the working directory a Sprout project and creates the application when the server is reachable.</summary>
internal static class InitCommand
{
    public static Command Create(CliContext context)
    {
        var application = new Argument<string>("APP") { Description = "Name of the application (1–100 characters, no '/')." };
        var platform = new Option<string?>("--platform", "-p")
        {
            Description = "Default platform for builds (node, python, dotnet, go, …); detected from the bundle when omitted.",
            HelpName = "PLATFORM",
        };
        var server = new Option<string?>("--server")
        {
            Description = "URL of the Sprout server to record in .sprout/config.yml (SPROUT_URL still overrides it).",
            HelpName = "URL",
        };
        var json = new Option<bool>("--json") { Description = "Write the result as JSON on stdout." };
        var command = new Command("init", "Write .sprout/config.yml for APP in the current directory and create the application on the server.");
        command.Arguments.Add(application);
        command.Options.Add(platform);
        command.Options.Add(server);
        command.Options.Add(json);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            try
            {
                return await RunAsync(
                    context,
                    parseResult.GetRequiredValue(application),
                    parseResult.GetValue(platform),
                    parseResult.GetValue(server),
                    new CliOutput(context, parseResult.GetValue(json)),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (CommandRunner.TryReport(context, ex, connection: null, cancellationToken, out var exitCode))
            {
                return exitCode;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, string application, string? platform, string? serverUrl, CliOutput output, CancellationToken cancellationToken)
    {
        if (ResourceNames.ValidateApplicationName(application) is { } problem)
        {
            throw new UsageException(problem);
        }

        if (serverUrl is not null)
        {
            serverUrl = ServerConnection.ParseUrl(serverUrl).ToString().TrimEnd('/');
        }

        var config = await ProjectConfig.LoadOrCreateAsync(context.WorkingDirectory, cancellationToken).ConfigureAwait(false);
        config.ApplicationName = application;
        if (platform is not null)
        {
            config.DefaultPlatform = platform;
        }

        if (serverUrl is not null)
        {
            config.ServerUrl = serverUrl;
        }

        await config.SaveAsync(cancellationToken).ConfigureAwait(false);
        var gitIgnoreUpdated = await AddToGitIgnoreAsync(context.WorkingDirectory, cancellationToken).ConfigureAwait(false);
        output.Progress.WriteLine($"Wrote {config.FilePath} for application {application}.");
        if (gitIgnoreUpdated)
        {
            output.Progress.WriteLine("Added .sprout/ to .gitignore.");
        }

        var connection = ServerConnection.Resolve(context, config, serverUrl);
        var created = await TryCreateApplicationAsync(context, connection, application, output, cancellationToken).ConfigureAwait(false);
        if (output.Json)
        {
            output.WriteJson(new InitResult(application, config.DefaultPlatform, connection.DisplayUrl, config.FilePath, created));
        }

        return ExitCodes.Success;
    }

    /// <summary>The project is usable without the server; creating the application now only saves a step later.</summary>
    private static async Task<bool> TryCreateApplicationAsync(CliContext context, ServerConnection connection, string application, CliOutput output, CancellationToken cancellationToken)
    {
        using var api = new ApiClient(connection);
        try
        {
            var created = await api.EnsureApplicationAsync(application, description: null, cancellationToken).ConfigureAwait(false);
            output.Progress.WriteLine(created is null
                ? $"Application {application} already exists on {connection.DisplayUrl}."
                : $"Created application {application} on {connection.DisplayUrl}.");
            return true;
        }
        catch (Exception ex) when (ex is ServerUnreachableException or ApiException
            && CommandRunner.TryReport(context, ex, connection, cancellationToken, out _))
        {
            output.Error.WriteLine("The project is initialised anyway; the application will be created by `sprout create` or `sprout deploy`.");
            return false;
        }
    }

    private static async Task<bool> AddToGitIgnoreAsync(string directory, CancellationToken cancellationToken)
    {
        var path = Path.Combine(directory, ".gitignore");
        if (!File.Exists(path))
        {
            return false;
        }

        var text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        var lines = text.Split('\n').Select(line => line.Trim());
        if (lines.Any(line => line is ".sprout" or ".sprout/" or "/.sprout" or "/.sprout/"))
        {
            return false;
        }

        var separator = text.Length == 0 || text.EndsWith('\n') ? string.Empty : "\n";
        await File.AppendAllTextAsync(path, $"{separator}.sprout/\n", cancellationToken).ConfigureAwait(false);
        return true;
    }

    private sealed record InitResult(string ApplicationName, string? Platform, string ServerUrl, string ConfigPath, bool ApplicationCreated);
}
