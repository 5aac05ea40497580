using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Sprout.Integration.Tests.Builds;

/// <summary>
/// A built slug started the way the runtime starts it: its start command through /bin/sh in its own
/// session, PORT set. Disposing kills the whole process group.
/// </summary>
public sealed class RunningSlug : IAsyncDisposable
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RunningSlug(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static RunningSlug Start(string slugDirectory, string startCommand, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreePort();
        var startInfo = new ProcessStartInfo("/usr/bin/setsid")
        {
            WorkingDirectory = slugDirectory,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        foreach (var argument in new[] { "/bin/sh", "-c", startCommand })
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["PORT"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        startInfo.Environment["HOME"] = slugDirectory;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        var process = Process.Start(startInfo)!;
        var slug = new RunningSlug(process, port);
        process.OutputDataReceived += (_, e) => slug.Append(e.Data);
        process.ErrorDataReceived += (_, e) => slug.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return slug;
    }

    /// <summary>GETs the path until the app answers (or the deadline passes), and returns the status and body.</summary>
    public async Task<(HttpStatusCode Status, string Body)> GetWhenUpAsync(string path, TimeSpan deadline)
    {
        using var cancellation = new CancellationTokenSource(deadline);
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"the app exited with code {_process.ExitCode} before answering:\n{Output}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri($"http://127.0.0.1:{Port}{path}"), cancellation.Token);
                return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellation.Token));
            }
            catch (HttpRequestException)
            {
                await Task.Delay(100, cancellation.Token);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                throw new TimeoutException($"the app did not answer on port {Port} within {deadline}:\n{Output}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var kill = Process.Start("/bin/kill", ["-KILL", "--", $"-{_process.Id}"]))
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(wait.Token);
        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
