using Sprout.Core.Api;
using Sprout.Core.Model;
using Sprout.Server.Environments;
using Sprout.Server.Store;

namespace Sprout.Server.Api;

/// <summary>Turns store rows into the API's shapes.</summary>
internal static class DtoMapper
{
    public static VersionDto ToDto(this VersionRow row) =>
        new(row.Application, row.Label, row.Description, row.Status, row.BundleSha256, row.BundleSize, row.Platform, row.StartCommand, row.FailureReason, row.Created, row.Updated);

    public static InstanceDto ToDto(this InstanceRow row) =>
        new(row.Id, row.VersionLabel, row.State, row.HealthStatus, row.Port, row.Pid, row.Restarts, row.Launched, row.Causes.Length == 0 ? [] : row.Causes.Split('\n'));

    public static EnvironmentDto ToDto(this EnvironmentRow row, IEnumerable<InstanceRow> instances, EnvironmentServices services) =>
        new(
            row.Id,
            row.Name,
            row.Application,
            row.VersionLabel,
            services.HostnameOf(row.Cname),
            services.EndpointUrlOf(row.Cname),
            row.Status,
            row.Health,
            row.HealthStatus,
            row.EnvironmentType,
            row.DesiredCapacity,
            row.Status is EnvironmentStatus.Updating,
            row.Created,
            row.Updated,
            instances.Select(i => i.ToDto()).ToList());
}
