using System.Diagnostics;
using System.Text.Json;
using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>The user's path, as separate `sprout` processes against the real server: init, create, use, change, terminate.</summary>
[Collection(ServerCollection.Name)]
public sealed class CliEndToEndTests(ServerFixture fixture)
{
    [Fact]
    public async Task Cli_InitCreateSetenvDeployTerminate_AgainstTheRealServer()
    {
        var project = TestApps.SampleVariant("node", "cli");
        Assert.Equal(0, (await SproutAsync(project, "init", "cliapp", "--platform", "node")).Code);
        Assert.True(File.Exists(Path.Combine(project, ".sprout", "config.yml")));

        var create = await SproutAsync(project, "create", "cliapp-dev", "--instances", "2");
        Assert.True(create.Code == 0, create.Output);
        Assert.True(create.Output.Contains("Successfully launched environment: cliapp-dev", StringComparison.Ordinal), create.Output);

        var status = await SproutAsync(project, "status", "--json");
        Assert.Equal(0, status.Code);
        var environment = JsonSerializer.Deserialize<EnvironmentDto>(status.Stdout, SproutJson.Options)!;
        fixture.Track(environment);
        Assert.Equal(EnvironmentStatus.Ready, environment.Status);
        Assert.Equal(2, environment.Instances.Count(i => i.State == InstanceState.InService));
        Assert.Equal(200, (await fixture.Router.GetAsync(environment.Cname)).Status);

        var setenv = await SproutAsync(project, "setenv", "GREETING=from-the-cli");
        Assert.True(setenv.Code == 0, setenv.Output);
        Assert.Contains("greeting=from-the-cli", (await fixture.Router.GetAsync(environment.Cname)).Body, StringComparison.Ordinal);
        Assert.Contains("GREETING = from-the-cli", (await SproutAsync(project, "printenv")).Stdout, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(project, "VARIANT"), "cli-2");
        var deploy = await SproutAsync(project, "deploy", "--label", "cli-2");
        Assert.True(deploy.Code == 0, deploy.Output);
        Assert.Contains("version=cli-2", (await fixture.Router.GetAsync(environment.Cname)).Body, StringComparison.Ordinal);

        var health = await SproutAsync(project, "health", "--json");
        Assert.Equal(HealthColor.Green, JsonSerializer.Deserialize<EnvironmentHealthDto>(health.Stdout, SproutJson.Options)!.Color);
        Assert.Contains("node sample listening", (await SproutAsync(project, "logs")).Stdout, StringComparison.Ordinal);
        Assert.Contains("Environment update completed successfully.", (await SproutAsync(project, "events")).Stdout, StringComparison.Ordinal);

        // Following verbs stream until stopped: each must show what is already there, then keep going.
        Assert.Contains("node sample listening", await FollowUntilAsync(project, "node sample listening", "logs", "--stream"), StringComparison.Ordinal);
        Assert.Contains("Environment update completed successfully.", await FollowUntilAsync(project, "Environment update completed successfully.", "events", "-f"), StringComparison.Ordinal);

        var set = await SproutAsync(project, "config", "set", "cliapp-dev", "aws:autoscaling:asg", "MaxSize=6");
        Assert.True(set.Code == 0, set.Output);
        var configuration = JsonSerializer.Deserialize<ConfigurationDto>((await SproutAsync(project, "config", "get", "cliapp-dev", "--json")).Stdout, SproutJson.Options)!;
        Assert.Contains(configuration.OptionSettings, o => o is { Namespace: "aws:autoscaling:asg", OptionName: "MaxSize", Value: "6", Source: "environment" });
        Assert.Contains(configuration.OptionSettings, o => o is { OptionName: "Application Healthcheck URL", Value: "/health", Source: "bundle" });
        var invalid = await SproutAsync(project, "config", "set", "cliapp-dev", "aws:autoscaling:asg", "MinSzie=2");
        Assert.Equal(1, invalid.Code);
        Assert.Contains("did you mean MinSize", invalid.Output, StringComparison.Ordinal);

        var busy = await SproutAsync(project, "terminate");
        Assert.Equal(2, busy.Code);
        var terminate = await SproutAsync(project, "terminate", "--force");
        Assert.True(terminate.Code == 0, terminate.Output);
        Assert.Equal(404, (await fixture.Router.GetAsync(environment.Cname)).Status);
        Assert.Equal(1, (await SproutAsync(project, "status", "cliapp-dev")).Code);
    }

    /// <summary>Runs a following verb until its output shows <paramref name="expected"/> (or 30 s pass), then stops that process.</summary>
    private async Task<string> FollowUntilAsync(string workingDirectory, string expected, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args))!;
        process.StandardInput.Close();
        var seen = new System.Text.StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                seen.AppendLine(line);
                if (line.Contains(expected, StringComparison.Ordinal))
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        return seen.ToString();
    }

    private ProcessStartInfo StartInfo(string workingDirectory, string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "sprout.dll"), .. args])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["SPROUT_URL"] = fixture.Server.ApiUrl;
        start.Environment["SPROUT_TOKEN"] = fixture.Server.Token;
        return start;
    }

    [Fact]
    public async Task Cli_CloneDeploySwap_BlueGreenUnderLoadDropsNothing()
    {
        var project = TestApps.SampleVariant("node", "bg");
        Assert.Equal(0, (await SproutAsync(project, "init", "bgapp", "--platform", "node")).Code);
        var create = await SproutAsync(project, "create", "bg-blue", "--instances", "2");
        Assert.True(create.Code == 0, create.Output);
        var blue = JsonSerializer.Deserialize<EnvironmentDto>((await SproutAsync(project, "status", "bg-blue", "--json")).Stdout, SproutJson.Options)!;
        fixture.Track(blue);

        // The eb CLI's spelling of the option works as well as ours.
        var clone = await SproutAsync(project, "clone", "bg-blue", "--clone_name", "bg-green");
        Assert.True(clone.Code == 0, clone.Output);
        var green = JsonSerializer.Deserialize<EnvironmentDto>((await SproutAsync(project, "status", "bg-green", "--json")).Stdout, SproutJson.Options)!;
        fixture.Track(green);
        Assert.Equal((blue.VersionLabel, 2, "bg-green.localhost"), (green.VersionLabel, green.Instances.Count, green.Cname));

        File.WriteAllText(Path.Combine(project, "VARIANT"), "bg-2");
        var deploy = await SproutAsync(project, "deploy", "bg-green", "--label", "bg-2");
        Assert.True(deploy.Code == 0, deploy.Output);

        await using (var load = RouterLoad.Start(fixture.Router, "bg-blue.localhost", concurrency: 6))
        {
            await load.WaitForMoreAsync(50, TimeSpan.FromSeconds(20));
            var swap = await SproutAsync(project, "swap", "bg-blue", "-n", "bg-green", "--json");
            Assert.True(swap.Code == 0, swap.Output);
            var swapped = JsonSerializer.Deserialize<SwapResultDto>(swap.Stdout, SproutJson.Options)!;
            Assert.Equal(("bg-green.localhost", "bg-blue.localhost"), (swapped.Source.Cname, swapped.Destination.Cname));
            await load.WaitForMoreAsync(100, TimeSpan.FromSeconds(20));
            await load.StopAsync();
            Assert.True(load.Failures.Count == 0, "failed requests across the swap:\n" + string.Join("\n", load.Failures.Take(20)));
        }

        Assert.Contains("version=bg-2", (await fixture.Router.GetAsync("bg-blue.localhost")).Body, StringComparison.Ordinal);
        Assert.Contains($"version={blue.VersionLabel}", (await fixture.Router.GetAsync("bg-green.localhost")).Body, StringComparison.Ordinal);
        Assert.Contains("Completed swapping CNAMEs for environments 'bg-blue' and 'bg-green'.", (await SproutAsync(project, "events", "bg-green")).Stdout, StringComparison.Ordinal);

        var self = await SproutAsync(project, "swap", "bg-blue", "--destination-name", "bg-blue");
        Assert.Equal(2, self.Code);
        var missing = await SproutAsync(project, "swap", "bg-blue", "--destination-name", "bg-nowhere");
        Assert.Equal(1, missing.Code);
        Assert.Contains("No environment named bg-nowhere", missing.Output, StringComparison.Ordinal);
        var noName = await SproutAsync(project, "clone", "bg-blue");
        Assert.Equal(2, noName.Code);
    }

    private async Task<(int Code, string Stdout, string Output)> SproutAsync(string workingDirectory, params string[] args)
    {
        using var process = Process.Start(StartInfo(workingDirectory, args))!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
    }
}
