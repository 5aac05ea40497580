namespace Sprout.Integration.Tests.Builds;

/// <summary>Reports on the caller's thread (Progress&lt;T&gt; posts to the thread pool, so lines could arrive after the build returns).</summary>
internal sealed class SynchronousProgress(Action<string> report) : IProgress<string>
{
    public void Report(string value) => report(value);
}
