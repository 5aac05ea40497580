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

        _dirty.Release();
        _changed();
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

            InstanceRow snapshot;
            lock (_gate)
            {
                snapshot = Row.Copy();
            }

            try
            {
                await WriteAsync(snapshot, TakePendingEvents(), CancellationToken.None);
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
