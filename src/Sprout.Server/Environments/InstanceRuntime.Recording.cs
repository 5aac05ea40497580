using Microsoft.Extensions.Logging;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

internal sealed partial class InstanceRuntime
{
    private void MarkDirty(EventDraft? change)
    {
        if (change is not null)
        {
            lock (_gate)
            {
                _pendingEvents.Enqueue(change);
            }
        }

        Interlocked.Increment(ref _changes);
        _dirty.Release();
        _changed();
    }

    /// <summary>
    /// Returns once the store holds every change made so far, writing it now if the writer has not yet. Steps that saw
    /// an instance pass its checks in memory wait for this before they report success, because the API reads the
    /// store: without it an environment could show Ready while its instance still showed Pending.
    /// </summary>
    public async Task RecordedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await RecordAsync(cancellationToken);
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile: its last state was written on the way out.
        }
    }

    // One writer at a time, each taking its snapshot inside the gate, so the store never goes back to an older row;
    // a write that would cover nothing new is skipped.
    private async Task RecordAsync(CancellationToken cancellationToken)
    {
        await _writeGate.WaitAsync(cancellationToken);
        try
        {
            // Read before the snapshot: every change counted here was made to the row before it was counted.
            var changes = Volatile.Read(ref _changes);
            if (changes == Volatile.Read(ref _recorded))
            {
                return;
            }

            InstanceRow snapshot;
            lock (_gate)
            {
                snapshot = Row.Copy();
            }

            await WriteAsync(snapshot, TakePendingEvents(), cancellationToken);
            Volatile.Write(ref _recorded, changes);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task WriterLoopAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await _dirty.WaitAsync(cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            // Coalesce: everything signalled so far is covered by writing the current row once.
            while (_dirty.CurrentCount > 0)
            {
                await _dirty.WaitAsync(CancellationToken.None);
            }

            try
            {
                await RecordAsync(CancellationToken.None);
            }
            catch (Exception e)
            {
                _logger.LogError(e, "Could not record the state of instance {Instance}", Id);
            }
        }
    }

    private List<EventDraft> TakePendingEvents()
    {
        lock (_gate)
        {
            var events = _pendingEvents.ToList();
            _pendingEvents.Clear();
            return events;
        }
    }

    private async Task WriteAsync(InstanceRow snapshot, List<EventDraft> events, CancellationToken cancellationToken)
    {
        await _services.Store.UpdateInstanceAsync(snapshot, events.FirstOrDefault(), cancellationToken);
        foreach (var extra in events.Skip(1))
        {
            await _services.Store.AppendEventAsync(extra, cancellationToken);
        }
    }
}
