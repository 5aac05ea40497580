using System.CommandLine;
using System.Net;
using Sprout.Cli.Http;
using Sprout.Cli.Output;
using Sprout.Core.Api;

namespace Sprout.Cli.Commands;

/// <summary><c>sprout status [ENV]</c>: the environment's description.</summary>
internal static class StatusCommand
{
    public static Command Create(CliContext context)
    {
        var environment = EnvironmentArgument.Optional();
        var command = new Command("status", "Show an environment's status, health, version, capacity and URL, and its deployment in progress (or the last one).");
        command.Arguments.Add(environment);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var name = session.ResolveEnvironment(parseResult.GetValue(environment));
            var env = await session.Api.GetEnvironmentAsync(name, cancellationToken).ConfigureAwait(false);
            if (session.Output.Json)
            {
                session.Output.WriteJson(env);
                return ExitCodes.Success;
            }

            var output = session.Output.Out;
            output.WriteLine($"Environment details for: {env.EnvironmentName}");
            output.WriteLine($"  Application name: {env.ApplicationName}");
            output.WriteLine($"  Environment ID: {env.EnvironmentId}");
            output.WriteLine($"  Deployed version: {env.VersionLabel ?? "-"}");
            output.WriteLine($"  Environment type: {env.EnvironmentType}");
            output.WriteLine($"  CNAME: {env.Cname}");
            output.WriteLine($"  URL: {env.EndpointUrl}");
            output.WriteLine($"  Created: {CliOutput.FormatTime(env.DateCreated)}");
            output.WriteLine($"  Updated: {CliOutput.FormatTime(env.DateUpdated)}");
            output.WriteLine($"  Status: {env.Status}{(env.AbortableOperationInProgress ? " (operation in progress)" : string.Empty)}");
            output.WriteLine($"  Health: {env.Health} ({env.HealthStatus})");
            output.WriteLine($"  Instances: {env.Instances.Count} running, {env.DesiredCapacity} desired");
            if (await TryGetDeploymentAsync(session, name, cancellationToken).ConfigureAwait(false) is { } deployment)
            {
                output.WriteLine($"  Deployment: {DeploymentProgressRenderer.Summary(deployment)}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The deployment in progress or last finished; null when the server has none (or predates the progress API).</summary>
    private static async Task<DeploymentProgressDto?> TryGetDeploymentAsync(ClientSession session, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await session.Api.GetDeploymentAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
