using System.Diagnostics;
using Sprout.Integration.Tests.Platform;

namespace Sprout.Integration.Tests.EndToEnd;

/// <summary>The `sprout` CLI as its own process against the fixture's server, as a user runs it.</summary>
internal static class SproutCli
{
    /// <summary>Starts the CLI; the caller awaits <see cref="FinishAsync"/> (it may do other things while the verb follows its operation).</summary>
    public static Process Start(ServerFixture fixture, string workingDirectory, params string[] args)
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
        var process = Process.Start(start)!;
        process.StandardInput.Close();
        return process;
    }

    public static async Task<(int Code, string Stdout, string Output)> FinishAsync(Process process, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(process);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout, $"exit {process.ExitCode}\n{await stdout}\n{await stderr}");
    }

    public static async Task<(int Code, string Stdout, string Output)> RunAsync(ServerFixture fixture, string workingDirectory, params string[] args)
    {
        using var process = Start(fixture, workingDirectory, args);
        return await FinishAsync(process, TimeSpan.FromMinutes(3));
    }
}
