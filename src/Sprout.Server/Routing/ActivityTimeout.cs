namespace Sprout.Server.Routing;

/// <summary>
/// Cancels when the instance makes no progress for the timeout, or when the client aborts.
/// Every completed read or write calls <see cref="Reset"/>, so long downloads and uploads live
/// as long as bytes keep moving.
/// </summary>
internal sealed class ActivityTimeout : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _clientAborted;
    private readonly TimeSpan _timeout;

    public ActivityTimeout(TimeSpan timeout, CancellationToken clientAborted)
    {
        _timeout = timeout;
        _clientAborted = clientAborted;
        _source = CancellationTokenSource.CreateLinkedTokenSource(clientAborted);
        _source.CancelAfter(timeout);
    }

    public CancellationToken Token => _source.Token;

    /// <summary>True when the token fired because the instance was quiet, not because the client left.</summary>
    public bool TimedOut => _source.IsCancellationRequested && !_clientAborted.IsCancellationRequested;

    public void Reset()
    {
        try
        {
            if (!_source.IsCancellationRequested)
            {
                _source.CancelAfter(_timeout);
            }
        }
        catch (ObjectDisposedException)
        {
            // The client can finish sending its body after the exchange ended (the instance answered
            // early); the upload's progress no longer matters then.
        }
    }

    public void Dispose() => _source.Dispose();
}
