using System.CommandLine;
using System.Globalization;
using System.Net;
using Sprout.Cli.Http;
using Sprout.Cli.Output;
using Sprout.Core.Api;

namespace Sprout.Cli.Commands;

/// <summary>
/// <c>sprout health [ENV] [--refresh] [--json]</c>: the environment's enhanced health and causes, then each instance's
/// status, requests per second, P99 latency, 5xx share, CPU, memory and version. <c>--refresh</c> redraws every
/// <see cref="RefreshInterval"/> until Ctrl+C: in place on a terminal (like <c>top</c>), otherwise (or with
/// <c>--json</c>) once per interval without control characters.
/// </summary>
internal static class HealthCommand
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(2);

    // Cursor home, clear the screen: the redraw of a live view.
    private const string ClearScreen = "\u001b[H\u001b[2J";

    public static Command Create(CliContext context)
    {
        var environment = EnvironmentArgument.Optional();
        var refresh = new Option<bool>("--refresh") { Description = "Keep the view live: redraw every 2 seconds until Ctrl+C." };
        var command = new Command("health", "Show an environment's health, its causes, and each instance's status, requests, latency, errors, CPU and memory.");
        command.Arguments.Add(environment);
        command.Options.Add(refresh);
        var common = CommonOptions.AddTo(command);
        CommandRunner.SetClientAction(command, context, common, async (session, parseResult, cancellationToken) =>
        {
            var name = session.ResolveEnvironment(parseResult.GetValue(environment));
            if (!parseResult.GetValue(refresh))
            {
                await ShowAsync(session, name, redraw: false, cancellationToken).ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var redraw = session.Context.IsOutputInteractive && !session.Output.Json;
            try
            {
                while (true)
                {
                    await ShowAsync(session, name, redraw, cancellationToken).ConfigureAwait(false);
                    await Task.Delay(RefreshInterval, session.Time, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Success;
            }
        });
        return command;
    }

    private static async Task ShowAsync(ClientSession session, string name, bool redraw, CancellationToken cancellationToken)
    {
        var health = await session.Api.GetHealthAsync(name, cancellationToken).ConfigureAwait(false);
        var (environment, instances) = await DescribeAsync(session, name, cancellationToken).ConfigureAwait(false);
        if (session.Output.Json)
        {
            session.Output.WriteJson(new HealthReportDto(
                health.EnvironmentName, health.Status, health.Color, health.HealthStatus, health.Causes, health.Instances, health.RefreshedAt, environment, instances));
            return;
        }

        var output = new StringWriter(CultureInfo.InvariantCulture);
        Render(output, health, environment, instances);
        session.Output.Out.Write((redraw ? ClearScreen : "") + output);
        if (!redraw)
        {
            await session.Output.Out.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The Beanstalk-shaped descriptions; null from a server that predates them.</summary>
    private static async Task<(EnvironmentHealthDescriptionDto?, InstancesHealthDescriptionDto?)> DescribeAsync(ClientSession session, string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await session.Api.DescribeEnvironmentHealthAsync(name, cancellationToken).ConfigureAwait(false),
                await session.Api.DescribeInstancesHealthAsync(name, cancellationToken).ConfigureAwait(false));
        }
        catch (ApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return (null, null);
        }
    }

    private static void Render(TextWriter output, EnvironmentHealthDto health, EnvironmentHealthDescriptionDto? environment, InstancesHealthDescriptionDto? instances)
    {
        output.WriteLine($"{health.EnvironmentName}  {health.Status}  {health.Color}  {health.HealthStatus}  (as of {CliOutput.FormatTime(health.RefreshedAt)})");
        if (environment?.ApplicationMetrics is { } metrics)
        {
            var codes = metrics.StatusCodes;
            output.WriteLine($"  requests: {metrics.RequestCount}/s over {metrics.Duration} s  2xx {codes.Status2xx} %  3xx {codes.Status3xx} %  4xx {codes.Status4xx} %  5xx {codes.Status5xx} %" +
                (metrics.Latency is { } l ? $"  latency p50 {Millis(l.P50)}  p90 {Millis(l.P90)}  p99 {Millis(l.P99)}  p99.9 {Millis(l.P999)}" : ""));
        }

        foreach (var cause in health.Causes)
        {
            output.WriteLine($"  cause: {cause}");
        }

        output.WriteLine();
        var described = (instances?.InstanceHealthList ?? []).ToDictionary(i => i.InstanceId, StringComparer.Ordinal);
        TablePrinter.Write(
            output,
            ["instance-id", "state", "health", "req/s", "p99", "5xx", "cpu", "memory", "version", "deployment", "restarts", "causes"],
            health.Instances.Select(i =>
            {
                var d = described.GetValueOrDefault(i.InstanceId);
                var causes = d?.Causes.Count > 0 ? d.Causes : i.Causes;
                return new[]
                {
                    i.InstanceId,
                    i.State.ToString(),
                    d?.HealthStatus.ToString() ?? i.HealthStatus,
                    d?.ApplicationMetrics?.RequestCount.ToString(CultureInfo.InvariantCulture) ?? "-",
                    d?.ApplicationMetrics?.Latency is { } latency ? Millis(latency.P99) : "-",
                    d?.ApplicationMetrics is { } m ? FiveXxPercent(m.StatusCodes) : "-",
                    d?.System?.CPUUtilization is { } cpu ? $"{(cpu.User + cpu.System).ToString("0.0", CultureInfo.InvariantCulture)} %" : "-",
                    d?.System?.MemoryRssBytes is { } rss ? CliOutput.FormatSize(rss) : "-",
                    i.VersionLabel,
                    d?.Deployment?.DeploymentId?.ToString(CultureInfo.InvariantCulture) ?? "-",
                    i.Restarts.ToString(CultureInfo.InvariantCulture),
                    causes.Count == 0 ? "-" : string.Join("; ", causes),
                };
            }));
    }

    private static string FiveXxPercent(StatusCodesDto codes)
    {
        var total = codes.Status2xx + codes.Status3xx + codes.Status4xx + codes.Status5xx;
        return total == 0 ? "-" : $"{(100.0 * codes.Status5xx / total).ToString("0.#", CultureInfo.InvariantCulture)} %";
    }

    private static string Millis(double seconds) => $"{(seconds * 1000).ToString("0.#", CultureInfo.InvariantCulture)} ms";
}

/// <summary>
/// <c>sprout health --json</c>: the basic health (unchanged fields, so older readers keep working) plus Beanstalk's
/// DescribeEnvironmentHealth and DescribeInstancesHealth results (null from a server that predates them).
/// </summary>
internal sealed record HealthReportDto(
    string EnvironmentName,
    Core.Model.EnvironmentStatus Status,
    Core.Model.HealthColor Color,
    string HealthStatus,
    IReadOnlyList<string> Causes,
    IReadOnlyList<InstanceDto> Instances,
    DateTimeOffset RefreshedAt,
    EnvironmentHealthDescriptionDto? EnvironmentHealth,
    InstancesHealthDescriptionDto? InstancesHealth);
