namespace Sprout.Server.Runtime;

/// <summary>Exponential restart delay: initial, doubled per attempt, capped; reset after a stable run.</summary>
internal sealed class RestartBackoff(SupervisorOptions options)
{
    private TimeSpan _next = options.BackoffInitial;
    private int _attempt;

    public (TimeSpan Delay, int Attempt) Next()
    {
        var delay = _next;
        _next = TimeSpan.FromTicks(Math.Min(_next.Ticks * 2, options.BackoffMax.Ticks));
        return (delay, ++_attempt);
    }

    public void Reset()
    {
        _next = options.BackoffInitial;
        _attempt = 0;
    }
}
