namespace Sprout.Server.Builds;

/// <summary>
/// The build's log: every line goes to the kept log file and to whoever watches the build, and the
/// last few are remembered for the failure event. Lines from stdout and stderr arrive concurrently.
/// </summary>
internal sealed class BuildLog : IDisposable
{
    private readonly Lock _gate = new();
    private readonly StreamWriter _writer;
    private readonly IProgress<string> _progress;
    private readonly Queue<string> _tail;
    private readonly int _tailLines;

    public BuildLog(string path, IProgress<string> progress, int tailLines)
    {
        Path = path;
        _progress = progress;
        _tailLines = tailLines;
        _tail = new Queue<string>(tailLines + 1);
        _writer = new StreamWriter(new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read)) { AutoFlush = true };
    }

    public string Path { get; }

    public void Write(string line)
    {
        lock (_gate)
        {
            _writer.WriteLine(line);
            _tail.Enqueue(line);
            if (_tail.Count > _tailLines)
            {
                _tail.Dequeue();
            }
        }

        _progress.Report(line);
    }

    /// <summary>A step header, Heroku-style, so the log reads as a sequence of steps.</summary>
    public void Step(string text) => Write("-----> " + text);

    public string Tail()
    {
        lock (_gate)
        {
            return string.Join('\n', _tail);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _writer.Dispose();
        }
    }
}
