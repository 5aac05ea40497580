using Sprout.Core.Model;

namespace Sprout.Server.Store;

/// <summary>Desired state (version, capacity, configuration generation) and the last observed status and health.</summary>
internal sealed class EnvironmentRow
{
    public string Id { get; set; } = "";

    public string Name { get; set; } = "";

    public string Application { get; set; } = "";

    public string? VersionLabel { get; set; }

    public string Cname { get; set; } = "";

    public EnvironmentStatus Status { get; set; }

    public HealthColor Health { get; set; }

    public string HealthStatus { get; set; } = "Unknown";

    /// <summary>Newline-separated causes of the current health status.</summary>
    public string Causes { get; set; } = "";

    public EnvironmentType EnvironmentType { get; set; }

    public int DesiredCapacity { get; set; }

    /// <summary>Bumped by every configuration change that instances must be restarted for.</summary>
    public long ConfigGeneration { get; set; }

    /// <summary>Deployments started on the environment, the launch counting as the first (Beanstalk's DeploymentId).</summary>
    public long DeploymentCount { get; set; } = 1;

    /// <summary>The operation in progress (launch, deploy, scale, configure, terminate), so a restarted server resumes it.</summary>
    public string? Operation { get; set; }

    public DateTimeOffset Created { get; set; }

    public DateTimeOffset Updated { get; set; }

    public DateTimeOffset? Terminated { get; set; }

    public IReadOnlyList<string> CauseList => Causes.Length == 0 ? [] : Causes.Split('\n');
}
