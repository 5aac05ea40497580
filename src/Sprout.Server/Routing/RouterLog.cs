using System.Net;
using Microsoft.Extensions.Logging;

namespace Sprout.Server.Routing;

/// <summary>The router's log messages, with stable event ids.</summary>
internal static partial class RouterLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Router listening on {Address}:{Port} ({Transport} transport)")]
    public static partial void Listening(ILogger logger, IPAddress address, int port, RouterTransport transport);

    [LoggerMessage(EventId = 2, Level = LogLevel.Debug, Message = "No environment answers at host '{Hostname}'")]
    public static partial void UnknownHost(ILogger logger, string hostname);

    [LoggerMessage(EventId = 3, Level = LogLevel.Warning, Message = "Environment {EnvironmentName} has no in-service instance")]
    public static partial void NoAvailableTargets(ILogger logger, string environmentName);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Forwarding to instance {InstanceId} of {EnvironmentName} failed: {Error}")]
    public static partial void InstanceFailed(ILogger logger, string environmentName, string instanceId, ForwarderError error, Exception? exception);

    [LoggerMessage(EventId = 5, Level = LogLevel.Debug, Message = "Client went away while forwarding to instance {InstanceId} of {EnvironmentName}: {Error}")]
    public static partial void ClientFailed(ILogger logger, string environmentName, string instanceId, ForwarderError error, Exception? exception);

    [LoggerMessage(EventId = 6, Level = LogLevel.Warning, Message = "Instance {InstanceId} of {EnvironmentName} is taken out of rotation until {Until:O} after {Error}")]
    public static partial void TargetEjected(ILogger logger, string instanceId, string environmentName, ForwarderError error, DateTimeOffset until);

    [LoggerMessage(EventId = 7, Level = LogLevel.Error, Message = "An epoll loop caught an exception its completions let escape")]
    public static partial void TransportFault(ILogger logger, Exception exception);
}
