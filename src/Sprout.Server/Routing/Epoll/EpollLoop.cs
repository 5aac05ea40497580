using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using static Sprout.Server.Routing.Epoll.EpollNative;

namespace Sprout.Server.Routing.Epoll;

/// <summary>
/// One thread waiting in epoll_wait for the sockets it was given, edge-triggered, and running their
/// completions (and so the request code that continues after them) on itself, the way nginx's workers
/// do. Other threads hand it work with <see cref="Post"/>, which wakes it through an eventfd.
/// </summary>
internal sealed unsafe class EpollLoop : IDisposable
{
    private const int Capacity = 256;
    private const ulong WakeData = 0;

    private readonly int _epoll;
    private readonly int _wake;
    private readonly Thread _thread;
    private readonly Action<Exception> _fault;
    private readonly ConcurrentQueue<(Action<object?> Work, object? State)> _work = new();

    [ThreadStatic]
    private static EpollLoop? t_current;
    // Guards the epoll and eventfd descriptors against use from other threads after the loop closed them
    // (a closed number may already belong to another socket).
    private readonly Lock _descriptorGate = new();
    private int _wakePending;
    private bool _descriptorsClosed;
    private volatile bool _stopping;
    private bool _stopped;

    public EpollLoop(int index, Action<Exception> fault)
    {
        Index = index;
        _fault = fault;
        _epoll = EpollCreate(EPOLL_CLOEXEC);
        if (_epoll < 0)
        {
            throw new InvalidOperationException($"epoll_create1 failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        _wake = EventFd(0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (_wake < 0)
        {
            Close(_epoll);
            throw new InvalidOperationException($"eventfd failed (errno {Marshal.GetLastPInvokeError()}).");
        }

        var change = new EpollEvent { Events = EPOLLIN, Data = WakeData };
        if (EpollControl(_epoll, EPOLL_CTL_ADD, _wake, &change) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            Close(_wake);
            Close(_epoll);
            throw new InvalidOperationException($"epoll_ctl failed for the wake descriptor (errno {errno}).");
        }

        _thread = new Thread(Run) { IsBackground = true, Name = $"sprout-epoll-{index}" };
        // Without the creator's execution context: completions on the loop would otherwise carry (and restore) it forever.
        _thread.UnsafeStart();
    }

    /// <summary>The loop whose thread is running the caller, or null off every loop.</summary>
    public static EpollLoop? Current => t_current;

    /// <summary>Its place in its <see cref="EpollLoopGroup"/>.</summary>
    public int Index { get; }

    /// <summary>Whether the caller runs on this loop's thread.</summary>
    public bool IsCurrent => t_current == this;

    /// <summary>Watches <paramref name="fd"/> for readiness, edge-triggered; events go to <paramref name="socket"/>'s <see cref="EpollSocket.OnEvents"/>.</summary>
    /// <returns>The registration, which only <see cref="Unregister"/> on this loop's thread may release.</returns>
    public GCHandle Register(int fd, EpollSocket socket)
    {
        var handle = GCHandle.Alloc(socket);
        var change = new EpollEvent
        {
            Events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET,
            Data = (ulong)GCHandle.ToIntPtr(handle),
        };
        int result;
        var errno = 0;
        lock (_descriptorGate)
        {
            if (_descriptorsClosed)
            {
                handle.Free();
                throw new ObjectDisposedException(nameof(EpollLoop), "The router's epoll loop has stopped.");
            }

            result = EpollControl(_epoll, EPOLL_CTL_ADD, fd, &change);
            if (result != 0)
            {
                errno = Marshal.GetLastPInvokeError();
            }
        }

        if (result != 0)
        {
            handle.Free();
            throw new System.Net.Sockets.SocketException((int)ToSocketError(errno));
        }

        return handle;
    }

    /// <summary>
    /// Stops watching <paramref name="fd"/>. Runs on this loop's thread only: events of the batch being
    /// dispatched may still name the registration, so it is released between batches.
    /// </summary>
    public void Unregister(int fd, GCHandle registration)
    {
        if (!Volatile.Read(ref _stopped))
        {
            EpollControl(_epoll, EPOLL_CTL_DEL, fd, null);
        }

        registration.Free();
    }

    /// <summary>
    /// Runs <paramref name="work"/> on this loop's thread after the events it is dispatching; once the loop
    /// has stopped, on the caller's (nothing is dispatched any more, and a close must still happen).
    /// </summary>
    public void Post(Action<object?> work, object? state)
    {
        _work.Enqueue((work, state));
        if (Volatile.Read(ref _stopped))
        {
            RunPosted();
            return;
        }

        if (Interlocked.Exchange(ref _wakePending, 1) == 0)
        {
            // Under the gate: a write racing the loop's end must not land on a closed (and perhaps reused) descriptor.
            lock (_descriptorGate)
            {
                if (!_descriptorsClosed)
                {
                    ulong one = 1;
                    Write(_wake, &one, sizeof(ulong));
                }
            }
        }
    }

    public void Dispose()
    {
        _stopping = true;
        Post(static _ => { }, null);
        if (!IsCurrent)
        {
            _thread.Join();
        }
    }

    private void Run()
    {
        var events = stackalloc EpollEvent[Capacity];
        t_current = this;
        try
        {
            while (!_stopping)
            {
                var count = EpollWait(_epoll, events, Capacity, -1);
                if (count < 0)
                {
                    if (Marshal.GetLastPInvokeError() == EINTR)
                    {
                        continue;
                    }

                    _fault(new InvalidOperationException($"epoll_wait failed (errno {Marshal.GetLastPInvokeError()})."));
                    return;
                }

                for (var i = 0; i < count; i++)
                {
                    if (events[i].Data == WakeData)
                    {
                        ulong drained;
                        Read(_wake, &drained, sizeof(ulong));
                        Volatile.Write(ref _wakePending, 0);
                        continue;
                    }

                    Dispatch(events[i]);
                }

                RunPosted();
            }
        }
        finally
        {
            // Closing the epoll descriptor drops every registration at once; what is posted from now on runs where
            // it is posted (the exchange is a full fence, so a post either sees it or is drained here).
            lock (_descriptorGate)
            {
                _descriptorsClosed = true;
                Close(_epoll);
                Close(_wake);
            }

            Interlocked.Exchange(ref _stopped, true);
            RunPosted();
        }
    }

    private void Dispatch(EpollEvent ready)
    {
        try
        {
            var socket = (EpollSocket)GCHandle.FromIntPtr((nint)ready.Data).Target!;
            socket.OnEvents(ready.Events);
        }
        catch (Exception exception)
        {
            // Completions run request code; whatever escapes it must not take the loop (and every connection on it) down.
            _fault(exception);
        }
    }

    private void RunPosted()
    {
        while (_work.TryDequeue(out var item))
        {
            try
            {
                item.Work(item.State);
            }
            catch (Exception exception)
            {
                _fault(exception);
            }
        }
    }
}
