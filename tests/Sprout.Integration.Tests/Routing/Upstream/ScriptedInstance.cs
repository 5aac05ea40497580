using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Sprout.Server.Routing;

namespace Sprout.Integration.Tests.Routing.Upstream;

/// <summary>
/// An instance that speaks HTTP/1.1 by hand on 127.0.0.1:0, so tests can send exactly the bytes a
/// misbehaving or unusual instance would: each accepted connection runs the test's script, and every
/// request head read is kept.
/// </summary>
internal sealed class ScriptedInstance : IAsyncDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private readonly TcpListener _listener;
    private readonly Func<Connection, Task> _script;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private readonly ConcurrentBag<Task> _serving = [];
    private int _accepted;

    private ScriptedInstance(Func<Connection, Task> script)
    {
        _script = script;
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public RouteTarget Target => new("i-raw", "127.0.0.1", Port);

    /// <summary>Connections accepted so far.</summary>
    public int Accepted => Volatile.Read(ref _accepted);

    /// <summary>Every request head received, in order.</summary>
    public ConcurrentQueue<string> Heads { get; } = new();

    /// <summary>Runs <paramref name="script"/> for every connection the router opens.</summary>
    public static ScriptedInstance Start(Func<Connection, Task> script) => new(script);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await Task.WhenAll([_accepting, .. _serving]).WaitAsync(s_wait).ContinueWith(_ => { }, TaskScheduler.Default);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptSocketAsync(_stop.Token);
            }
            catch (Exception)
            {
                return;
            }

            Interlocked.Increment(ref _accepted);
            _serving.Add(Task.Run(async () =>
            {
                using (socket)
                {
                    try
                    {
                        await _script(new Connection(socket, this));
                    }
                    catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
                    {
                        // The router closed its side; the script's work is over.
                    }
                }
            }));
        }
    }

    /// <summary>One accepted connection, with helpers to read requests and write raw responses.</summary>
    internal sealed class Connection(Socket socket, ScriptedInstance instance)
    {
        private readonly SocketReader _reader = new(socket);

        public Socket Socket => socket;

        /// <summary>Holds the connection open, saying nothing, until the test ends.</summary>
        public Task StayQuietAsync() => Task.Delay(Timeout.Infinite, instance._stop.Token);

        /// <summary>Reads one request head (up to the blank line); null when the router closed the connection first.</summary>
        public async Task<string?> ReadHeadAsync()
        {
            var head = await _reader.ReadHeadAsync();
            if (head is not null)
            {
                instance.Heads.Enqueue(head);
            }

            return head;
        }

        /// <summary>Reads exactly <paramref name="length"/> body bytes.</summary>
        public Task<byte[]> ReadBytesAsync(int length) => _reader.ReadBytesAsync(length);

        /// <summary>Reads a chunked body to its last chunk and returns the data.</summary>
        public Task<byte[]> ReadChunkedAsync() => _reader.ReadChunkedAsync();

        public Task SendAsync(string text) => socket.SendAsync(Encoding.Latin1.GetBytes(text)).WaitAsync(s_wait);
    }
}
