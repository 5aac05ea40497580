using System.Collections.Concurrent;
using Sprout.Server.Runtime;

namespace Sprout.Integration.Tests.Runtime;

/// <summary>Records every supervisor notification, in order.</summary>
internal sealed class RecordingInstanceObserver(Action<InstanceHandle>? onStarted = null) : IInstanceObserver
{
    public ConcurrentQueue<InstanceHandle> Started { get; } = new();

    public ConcurrentQueue<(InstanceExit Exit, TimeSpan RestartIn, int Attempt)> Exited { get; } = new();

    public ConcurrentQueue<(int Exits, TimeSpan Window, IReadOnlyList<string> Lines)> CrashLoops { get; } = new();

    public ConcurrentQueue<(Exception Error, TimeSpan RetryIn, int Attempt)> StartFailures { get; } = new();

    public void InstanceStarted(string instanceId, InstanceHandle handle)
    {
        onStarted?.Invoke(handle);
        Started.Enqueue(handle);
    }

    public void InstanceExited(string instanceId, InstanceExit exit, TimeSpan restartIn, int attempt) => Exited.Enqueue((exit, restartIn, attempt));

    public void InstanceCrashLooping(string instanceId, int exits, TimeSpan window, IReadOnlyList<string> lastStderrLines) =>
        CrashLoops.Enqueue((exits, window, lastStderrLines));

    public void InstanceStartFailed(string instanceId, Exception error, TimeSpan retryIn, int attempt) => StartFailures.Enqueue((error, retryIn, attempt));
}
