using Sprout.Core.Model;

namespace Sprout.Core.Api;

/// <summary>Beanstalk's EventDescription plus a monotonic <see cref="Id"/> so clients can follow.</summary>
public sealed record EventDto(
    long Id,
    DateTimeOffset EventDate,
    EventSeverity Severity,
    string Message,
    string? ApplicationName,
    string? EnvironmentName,
    string? VersionLabel);
