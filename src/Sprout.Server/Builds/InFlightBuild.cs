namespace Sprout.Server.Builds;

/// <summary>
/// One running build that every concurrent request for the same bundle awaits; its log lines are fanned
/// out to each caller's progress for as long as that caller watches.
/// </summary>
internal sealed class InFlightBuild : IProgress<string>
{
    private readonly Lock _gate = new();
    private readonly Func<IProgress<string>, Task<BuildResult>> _run;
    private readonly Lazy<Task<BuildResult>> _task;
    private IProgress<string>[] _watchers = [];

    public InFlightBuild(Func<IProgress<string>, Task<BuildResult>> run)
    {
        _run = run;
        _task = new Lazy<Task<BuildResult>>(() => Task.Run(() => _run(this)));
    }

    /// <summary>Starts the build on first use; later calls return the same task.</summary>
    public Task<BuildResult> Completion => _task.Value;

    public IDisposable Watch(IProgress<string>? progress)
    {
        if (progress is null)
        {
            return NoWatch.Instance;
        }

        lock (_gate)
        {
            _watchers = [.. _watchers, progress];
        }

        return new Watcher(this, progress);
    }

    public void Report(string value)
    {
        foreach (var watcher in Volatile.Read(ref _watchers))
        {
            watcher.Report(value);
        }
    }

    private void Unwatch(IProgress<string> progress)
    {
        lock (_gate)
        {
            _watchers = [.. _watchers.Where(w => !ReferenceEquals(w, progress))];
        }
    }

    private sealed class Watcher(InFlightBuild build, IProgress<string> progress) : IDisposable
    {
        public void Dispose() => build.Unwatch(progress);
    }

    private sealed class NoWatch : IDisposable
    {
        public static readonly NoWatch Instance = new();

        public void Dispose()
        {
        }
    }
}
