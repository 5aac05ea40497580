using System.IO.Pipelines;

namespace Sprout.Server.Routing.Epoll;

/// <summary>
/// A connection whose socket the router's direct path can read and write itself, instead of through the
/// transport's pipes, until it hands the connection to Kestrel.
/// </summary>
internal interface IDirectTransportFeature
{
    /// <summary>
    /// The socket as a reader and writer with no loop of their own, or null when the pipes already run
    /// (someone asked for <c>Transport</c> first). Until <see cref="StartPipes"/>, only these touch the socket.
    /// </summary>
    IDuplexPipe? TakeSocket();

    /// <summary>
    /// Starts the pipes, with what the reader received and did not consume at the front of the input, and
    /// makes them the connection's <c>Transport</c>. The reader and writer must not be used afterwards.
    /// </summary>
    void StartPipes();
}
