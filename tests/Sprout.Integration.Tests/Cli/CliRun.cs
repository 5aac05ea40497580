using Sprout.Cli;
using Sprout.Server;

namespace Sprout.Integration.Tests.Cli;

/// <summary>Runs the CLI in-process, with its own working directory, HOME and environment variables.</summary>
internal sealed class CliRun : IDisposable
{
    public CliRun()
    {
        Directory.CreateDirectory(WorkingDirectory);
        Directory.CreateDirectory(Home);
        Environment["HOME"] = Home;
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "sprout-cli-test-" + Guid.NewGuid().ToString("N"));

    public string WorkingDirectory => Path.Combine(Root, "project");

    public string Home => Path.Combine(Root, "home");

    public Dictionary<string, string?> Environment { get; } = new(StringComparer.Ordinal);

    public bool Interactive { get; set; }

    public string Stdin { get; set; } = string.Empty;

    public Func<ServerOptions, CancellationToken, Task<int>>? RunServer { get; set; }

    public static CliRun Against(FakeSproutApi api, string token = "test-token")
    {
        var run = new CliRun();
        run.Environment["SPROUT_URL"] = api.Url.ToString();
        run.Environment["SPROUT_TOKEN"] = token;
        return run;
    }

    public void WriteFile(string relativePath, string content)
    {
        var path = Path.Combine(WorkingDirectory, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public Task<CliResult> RunAsync(params string[] args) => RunAsync(CancellationToken.None, args);

    public async Task<CliResult> RunAsync(CancellationToken cancellationToken, params string[] args)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var context = new CliContext
        {
            Out = stdout,
            Error = stderr,
            In = new StringReader(Stdin),
            IsInputInteractive = Interactive,
            WorkingDirectory = WorkingDirectory,
            Environment = Environment,
        };
        if (RunServer is not null)
        {
            context = context with { RunServer = RunServer };
        }

        var exitCode = await CliApp.RunAsync(args, context, timeout.Token);
        return new CliResult(exitCode, stdout.ToString(), stderr.ToString());
    }

    public void Dispose()
    {
        if (Directory.Exists(Root))
        {
            Directory.Delete(Root, recursive: true);
        }
    }
}

internal sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Stdout}\n--- stderr\n{Stderr}";
}
