namespace Sprout.Server.Routing.AccessLog;

/// <summary>One routed request as the access log records it (a JSON line per entry).</summary>
public readonly record struct AccessLogEntry(
    DateTimeOffset Time,
    string? RequestId,
    string ClientAddress,
    string Method,
    string Host,
    string Path,
    string Protocol,
    int Status,
    double DurationMs,
    string Environment,
    string Instance,
    string Error);
