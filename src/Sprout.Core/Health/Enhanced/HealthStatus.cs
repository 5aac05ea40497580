using System.Text.Json.Serialization;

namespace Sprout.Core.Health.Enhanced;

/// <summary>Beanstalk's enhanced health status of an instance or an environment (reference eb.md §2.3).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<HealthStatus>))]
public enum HealthStatus
{
    NoData,
    Unknown,
    Pending,
    Ok,
    Info,
    Warning,
    Degraded,
    Severe,
    Suspended,
}
