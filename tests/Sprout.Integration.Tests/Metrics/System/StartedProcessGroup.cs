using System.Diagnostics;
using Sprout.Integration.Tests.Runtime;
using Sprout.Server.Metrics.SystemMetrics;
using Sprout.Server.Runtime;

namespace Sprout.Integration.Tests.Metrics.SystemMetrics;

/// <summary>
/// A shell script run by <c>setsid</c> in a process group of its own (its pid is the group id), killed by group on
/// dispose. The child of a test host is never a group leader, so setsid does not fork and the pid is the group.
/// </summary>
internal sealed class StartedProcessGroup : IAsyncDisposable
{
    private readonly Process _process;

    private StartedProcessGroup(Process process) => _process = process;

    public int ProcessGroup => _process.Id;

    /// <summary>Starts <paramref name="script"/> and waits until <paramref name="members"/> live processes are in the group.</summary>
    public static async Task<StartedProcessGroup> StartAsync(string script, int members)
    {
        var info = new ProcessStartInfo("setsid") { UseShellExecute = false };
        info.ArgumentList.Add("sh");
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(script);
        var group = new StartedProcessGroup(Process.Start(info) ?? throw new InvalidOperationException("setsid did not start."));
        try
        {
            await Poll.UntilAsync(
                () => ProcessGroupReader.Read([group.ProcessGroup]).TryGetValue(group.ProcessGroup, out var usage) && usage.ProcessCount == members,
                $"{members} processes in group {group.ProcessGroup}");
        }
        catch
        {
            await group.DisposeAsync();
            throw;
        }

        return group;
    }

    public async ValueTask DisposeAsync()
    {
        NativeMethods.kill(-ProcessGroup, NativeMethods.SIGKILL);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(timeout.Token);
        _process.Dispose();
    }
}
