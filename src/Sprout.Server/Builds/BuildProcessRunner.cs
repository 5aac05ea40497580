using System.Diagnostics;

namespace Sprout.Server.Builds;

/// <summary>
/// Runs one build command through <c>/bin/sh -c</c> in a new session (so its whole process group
/// can be killed on timeout or cancellation), optionally as the app user, streaming its output into
/// the build log.
/// </summary>
internal static class BuildProcessRunner
{
    public static async Task<int> RunAsync(
        string command,
        string workingDirectory,
        IReadOnlyDictionary<string, string> environment,
        BuildUser? user,
        BuildLog log,
        CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("/usr/bin/setsid")
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        startInfo.ArgumentList.Add("--wait");
        if (user is not null)
        {
            foreach (var argument in user.SetprivPrefix())
            {
                startInfo.ArgumentList.Add(argument);
            }
        }

        startInfo.ArgumentList.Add("/bin/sh");
        startInfo.ArgumentList.Add("-c");
        startInfo.ArgumentList.Add(command);
        startInfo.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        using var process = new Process { StartInfo = startInfo, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.Exited += (_, _) => exited.TrySetResult();
        process.OutputDataReceived += (_, e) => WriteLine(log, e.Data);
        process.ErrorDataReceived += (_, e) => WriteLine(log, e.Data);

        process.Start();
        // setsid without a fork (we are not a group leader) makes the child's pid its process group id.
        var processGroup = process.Id;
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await exited.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            await KillProcessGroupAsync(processGroup);
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            throw;
        }

        // Anything the command left running in its group (build servers, daemons) must not outlive the build,
        // nor hold our output pipes open.
        await KillProcessGroupAsync(processGroup);
        await process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        return process.ExitCode;
    }

    /// <summary>Runs a small system tool (id, chown, chmod) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToolAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"could not start {fileName}");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        return (process.ExitCode, ((await output) + (await error)).Trim());
    }

    private static void WriteLine(BuildLog log, string? line)
    {
        if (line is not null)
        {
            log.Write(line);
        }
    }

    private static async Task KillProcessGroupAsync(int processGroup)
    {
        try
        {
            await RunToolAsync("/bin/kill", ["-KILL", "--", $"-{processGroup}"], CancellationToken.None);
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // The group is already gone or kill is missing; nothing more we can do here.
        }
    }
}
