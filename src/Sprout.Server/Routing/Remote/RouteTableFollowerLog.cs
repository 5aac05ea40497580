using Microsoft.Extensions.Logging;

namespace Sprout.Server.Routing.Remote;

/// <summary>The follower's log messages: one line when an outage starts and one when it ends, never one per retry.</summary>
internal static partial class RouteTableFollowerLog
{
    [LoggerMessage(EventId = 101, Level = LogLevel.Information, Message = "Applied routing table {Epoch}/{Version} ({Count} environments)")]
    public static partial void Applied(ILogger logger, string epoch, long version, int count);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "Lost the control plane at {ControlPlane} ({Reason}); serving the last routing table until it is back")]
    public static partial void OutageStarted(ILogger logger, Uri controlPlane, string reason);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Control plane at {ControlPlane} is back after {Duration}")]
    public static partial void OutageEnded(ILogger logger, Uri controlPlane, TimeSpan duration);

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "Routing feed poll failed ({Reason}); retrying in {Delay}")]
    public static partial void Retrying(ILogger logger, string reason, TimeSpan delay);
}
