using System.Diagnostics;
using Sprout.Core.Api;
using Sprout.Core.Deployments;
using Sprout.Core.Model;
using Sprout.Integration.Tests.Platform;
using Xunit.Abstractions;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary><c>sprout deploy</c> as a separate process against the real server: the progress it prints and its exit code.</summary>
[Collection(ServerCollection.Name)]
public sealed class DeploymentProgressEndToEndTests(ServerFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Deploy_Rolling_PrintsStepsAndBatches_AndExitsZero()
    {
        await Environments.LaunchAsync(fixture, "progress", "progress-env", TestApps.SampleVariant("node", "progress"), instances: 4,
            options: [DeploymentDrill.ShortDrain, DeploymentDrill.Policy("Rolling"), DeploymentDrill.HalfBatches]);
        await DeploymentDrill.UploadNodeAsync(fixture, "progress", "v2");
        // The launch converges without a plan: there is no deployment to show yet.
        using (var none = await fixture.Api.Http.GetAsync("/api/environments/progress-env/deployment"))
        {
            Assert.Equal(System.Net.HttpStatusCode.NotFound, none.StatusCode);
            Assert.Contains("deployment_not_found", await none.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        var deploy = await SproutAsync("deploy", "progress-env", "--version", "v2");
        output.WriteLine(deploy.Output);

        Assert.True(deploy.Code == 0, deploy.Output);
        Assert.Contains("Deployment 2 to progress-env: Rolling deployment of v2 to 4 instance(s) in 2 batch(es) of 2", deploy.Stdout, StringComparison.Ordinal);
        Assert.Contains("▶ step 3/8 [batch 1/2]: Batch 1: Waiting for instance(s)", deploy.Stdout, StringComparison.Ordinal);
        Assert.Contains("✓ step 8/8 [batch 2/2]", deploy.Stdout, StringComparison.Ordinal);
        Assert.Contains("Deployment 2 finished: Succeeded after", deploy.Stdout, StringComparison.Ordinal);
        Assert.Contains("batch 2/2 (2 done), in service 4/4 (plan keeps at least 2), steps 8/8 done", deploy.Stdout, StringComparison.Ordinal);
        // Events still come through, in order with the step lines.
        Assert.Contains("Environment update completed successfully.", deploy.Stdout, StringComparison.Ordinal);

        var document = await fixture.Api.GetAsync<DeploymentProgressDto>("/api/environments/progress-env/deployment");
        Assert.Equal((2L, DeploymentStrategy.Rolling, DeploymentProgressPhase.Finished, DeploymentResult.Succeeded),
            (document.DeploymentId, document.Policy, document.Phase, document.Outcome!.Result));
        Assert.All(document.Steps, s => Assert.Equal(DeploymentStepStatus.Succeeded, s.Status));
        Assert.Equal(new DeploymentBatchDto(2, 2, 2, 2), document.Batch);
        Assert.Equal(new DeploymentCapacityDto(4, 2, 4), document.Capacity);
        Assert.All(document.Instances, i => Assert.Equal(("v2", true, "Ok"), (i.VersionLabel, i.InService, i.HealthStatus)));
    }

    [Fact]
    public async Task Deploy_VersionThatNeverPassesHealthChecks_ExitsOne_AndTheLastLineNamesTheCause()
    {
        await Environments.LaunchAsync(fixture, "progfail", "progfail-env", TestApps.SampleVariant("node", "progfail"), instances: 2,
            options: [DeploymentDrill.ShortDrain, DeploymentDrill.Policy("Rolling"), DeploymentDrill.HalfBatches]);
        Assert.Equal(VersionStatus.Processed, (await fixture.Api.UploadDirectoryAsync("progfail", "broken", DeploymentDrill.NodeFailingHealthCheck())).Status);

        var deploy = await SproutAsync("deploy", "progfail-env", "--version", "broken");
        output.WriteLine(deploy.Output);

        Assert.True(deploy.Code == 1, deploy.Output);
        Assert.Contains("✗ step 3/8 [batch 1/2] failed", deploy.Stdout, StringComparison.Ordinal);
        Assert.Contains("Deployment 2 finished: Failed after", deploy.Stdout, StringComparison.Ordinal);
        var last = deploy.Stderr.TrimEnd().Split('\n')[^1];
        Assert.StartsWith("sprout: cause: step 3/8 [batch 1/2] (Batch 1: Waiting for instance(s)", last, StringComparison.Ordinal);
        Assert.Contains("did not pass their health checks within the command timeout (4 s)", last, StringComparison.Ordinal);
    }

    private async Task<(int Code, string Stdout, string Stderr, string Output)> SproutAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "sprout.dll"), .. args])
        {
            WorkingDirectory = TestApps.Scratch("cli"),
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        start.Environment["SPROUT_URL"] = fixture.Server.ApiUrl;
        start.Environment["SPROUT_TOKEN"] = fixture.Server.Token;
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, await stderr, $"exit {process.ExitCode}\n--- stdout\n{await stdout}\n--- stderr\n{await stderr}");
    }
}
