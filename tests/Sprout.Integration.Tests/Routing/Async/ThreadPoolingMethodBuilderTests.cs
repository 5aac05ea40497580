using System.Runtime.CompilerServices;
using Sprout.Server.Routing.Async;

namespace Sprout.Integration.Tests.Routing.Async;

// The tests complete every wait themselves, on the test's thread, and read each result once it has completed
// (or, on purpose, a second time): the blocking reads the analyzers warn of cannot block here.
#pragma warning disable CA2012, xUnit1031

/// <summary>
/// The direct path's async method builder: results and exceptions whether or not the method waited, a stale
/// awaiter refused, and no allocation per call once a thread's stack holds as many boxes as it has calls in flight
/// (the framework's pooling builder, keeping one per thread and one per core, allocates there).
/// </summary>
public sealed class ThreadPoolingMethodBuilderTests
{
    private const int InFlight = 32;

    [Fact]
    public void A_method_that_does_not_wait_returns_its_result_and_its_exception() => OnLoopLikeThread(() =>
    {
        Assert.Equal(42, AddOneAsync(41).Result);
        var failed = ThrowAsync();
        Assert.True(failed.IsFaulted);
        Assert.Equal("now", Assert.Throws<InvalidOperationException>(() => failed.Result).Message);
    });

    [Fact]
    public void A_method_that_waited_returns_its_result_and_its_exception() => OnLoopLikeThread(() =>
    {
        var source = new ManualSource();
        var waiting = WaitThenAddOneAsync(source);
        Assert.False(waiting.IsCompleted);
        source.Complete(1);
        Assert.Equal(2, waiting.Result);

        var failing = WaitThenAddOneAsync(source);
        source.Fail(new TimeoutException("later"));
        Assert.Equal("later", Assert.Throws<TimeoutException>(() => failing.Result).Message);

        // The boxes went back to the stack in a usable state.
        var again = WaitThenAddOneAsync(source);
        source.Complete(10);
        Assert.Equal(11, again.Result);
    });

    [Fact]
    public void Reading_a_result_twice_fails_and_leaves_the_box_to_its_next_call() => OnLoopLikeThread(() =>
    {
        var source = new ManualSource();
        var first = WaitThenAddOneAsync(source);
        source.Complete(1);
        Assert.Equal(2, first.Result);

        var next = WaitThenAddOneAsync(source);
        Assert.Throws<InvalidOperationException>(() => first.Result);
        Assert.False(next.IsCompleted);
        source.Complete(5);
        Assert.Equal(6, next.Result);
    });

    [Fact]
    public void Awaiting_a_method_that_waited_resumes_the_caller_inline() => OnLoopLikeThread(() =>
    {
        var source = new ManualSource();
        var outer = OuterAsync(source);
        Assert.False(outer.IsCompleted);
        source.Complete(3);
        Assert.True(outer.IsCompleted);
        Assert.Equal(8, outer.Result);
    });

    [Fact]
    public void Calls_in_flight_together_allocate_nothing_once_the_thread_holds_their_boxes() => OnLoopLikeThread(() =>
    {
        var sources = Enumerable.Range(0, InFlight).Select(_ => new ManualSource()).ToArray();
        var pending = new ValueTask<int>[InFlight];
        RunBatch(sources, pending, WaitThenAddOneAsync); // fills this thread's stack

        // A tier-up of the JIT can land in one measurement and allocate once (seen under a loaded full suite);
        // an allocation per call would show in every one.
        var pooled = Enumerable.Range(0, 3).Select(_ => AllocatedBy(() => RunBatch(sources, pending, WaitThenAddOneAsync))).ToList();
        var framework = AllocatedBy(() => RunBatch(sources, pending, FrameworkWaitThenAddOneAsync));

        Assert.Equal(0, pooled.Min());
        Assert.All(pooled, bytes => Assert.True(bytes < InFlight * 10 * 32, $"{bytes} bytes for {InFlight * 10} calls"));
        // The comparison shows the test would see an allocation per call if there were one.
        Assert.True(framework >= InFlight * 10 * 32, $"the framework's builder allocated only {framework} bytes");
    });

    [Fact]
    public void Boxes_left_where_calls_finished_come_back_to_the_thread_that_starts_calls() => OnLoopLikeThread(() =>
    {
        var sources = Enumerable.Range(0, InFlight).Select(_ => new ManualSource()).ToArray();
        var pending = new ValueTask<int>[InFlight];
        // Like requests that start on one loop and finish on the other: the calls start here and complete, and
        // are read, on the finisher's thread, which is where their boxes are returned.
        using var finisher = new Finisher(() => CompleteAndCheck(sources, pending));
        void Rounds(int count)
        {
            for (var round = 0; round < count; round++)
            {
                for (var i = 0; i < sources.Length; i++)
                {
                    pending[i] = WaitThenAddOneAsync(sources[i]);
                }

                finisher.RunOnce();
            }
        }

        Rounds(2 * 256 / InFlight); // fills the finisher's own stack; what it returns after that is spare
        var allocated = Enumerable.Range(0, 3).Select(_ => AllocatedBy(() => Rounds(10))).ToList();

        Assert.Equal(0, allocated.Min());
        Assert.All(allocated, bytes => Assert.True(bytes < InFlight * 10 * 32, $"{bytes} bytes for {InFlight * 10} calls"));
    });

    private static void RunBatch(ManualSource[] sources, ValueTask<int>[] pending, Func<ManualSource, ValueTask<int>> start)
    {
        for (var round = 0; round < 10; round++)
        {
            // Like one epoll batch of new requests, then one of their responses.
            for (var i = 0; i < sources.Length; i++)
            {
                pending[i] = start(sources[i]);
            }

            CompleteAndCheck(sources, pending);
        }
    }

    /// <summary>Completes every wait, then reads every call's result.</summary>
    private static void CompleteAndCheck(ManualSource[] sources, ValueTask<int>[] pending)
    {
        for (var i = 0; i < sources.Length; i++)
        {
            sources[i].Complete(i);
        }

        for (var i = 0; i < sources.Length; i++)
        {
            if (pending[i].Result != i + 1)
            {
                throw new InvalidOperationException($"call {i} returned {pending[i].Result}");
            }
        }
    }

    /// <summary>
    /// Runs the test as code runs on a loop thread: without a synchronization context (xUnit installs one, and
    /// continuations would be posted to it instead of running inline).
    /// </summary>
    private static void OnLoopLikeThread(Action test)
    {
        var context = SynchronizationContext.Current;
        SynchronizationContext.SetSynchronizationContext(null);
        try
        {
            test();
        }
        finally
        {
            SynchronizationContext.SetSynchronizationContext(context);
        }
    }

    private static long AllocatedBy(Action action)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        action();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    /// <summary>A thread of its own (no synchronization context) that runs one fixed piece of work per request, allocating nothing to be asked.</summary>
    private sealed class Finisher : IDisposable
    {
        private readonly SemaphoreSlim _start = new(0);
        private readonly SemaphoreSlim _done = new(0);
        private readonly Thread _thread;
        private Exception? _failure;
        private volatile bool _stopping;

        public Finisher(Action work)
        {
            _thread = new Thread(() =>
            {
                while (true)
                {
                    _start.Wait();
                    if (_stopping)
                    {
                        return;
                    }

                    try
                    {
                        work();
                    }
                    catch (Exception exception)
                    {
                        _failure = exception;
                    }

                    _done.Release();
                }
            })
            { IsBackground = true, Name = "finisher" };
            _thread.Start();
        }

        public void RunOnce()
        {
            _start.Release();
            if (!_done.Wait(TimeSpan.FromSeconds(10)))
            {
                throw new TimeoutException("the finisher did not finish");
            }

            if (_failure is { } failure)
            {
                throw new InvalidOperationException("the finisher failed", failure);
            }
        }

        public void Dispose()
        {
            _stopping = true;
            _start.Release();
            _thread.Join(TimeSpan.FromSeconds(10));
            _start.Dispose();
            _done.Dispose();
        }
    }

    [AsyncMethodBuilder(typeof(ThreadPoolingMethodBuilder<>))]
    private static async ValueTask<int> AddOneAsync(int value)
    {
        await Task.CompletedTask;
        return value + 1;
    }

    [AsyncMethodBuilder(typeof(ThreadPoolingMethodBuilder<>))]
    private static async ValueTask<int> ThrowAsync()
    {
        await Task.CompletedTask;
        throw new InvalidOperationException("now");
    }

    [AsyncMethodBuilder(typeof(ThreadPoolingMethodBuilder<>))]
    private static async ValueTask<int> WaitThenAddOneAsync(ManualSource source) => await source.Wait() + 1;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private static async ValueTask<int> FrameworkWaitThenAddOneAsync(ManualSource source) => await source.Wait() + 1;

    [AsyncMethodBuilder(typeof(ThreadPoolingMethodBuilder<>))]
    private static async ValueTask<int> OuterAsync(ManualSource source) => await WaitThenAddOneAsync(source) * 2;
}
