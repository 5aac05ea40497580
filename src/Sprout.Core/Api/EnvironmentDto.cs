using Sprout.Core.Model;

namespace Sprout.Core.Api;

/// <summary>Beanstalk's EnvironmentDescription, trimmed to what Sprout has, plus the instances.</summary>
public sealed record EnvironmentDto(
    string EnvironmentId,
    string EnvironmentName,
    string ApplicationName,
    string? VersionLabel,
    string Cname,
    string EndpointUrl,
    EnvironmentStatus Status,
    HealthColor Health,
    string HealthStatus,
    EnvironmentType EnvironmentType,
    int DesiredCapacity,
    bool AbortableOperationInProgress,
    DateTimeOffset DateCreated,
    DateTimeOffset DateUpdated,
    IReadOnlyList<InstanceDto> Instances);

public sealed record InstanceDto(
    string InstanceId,
    string VersionLabel,
    InstanceState State,
    string HealthStatus,
    int Port,
    int? Pid,
    int Restarts,
    DateTimeOffset LaunchedAt,
    IReadOnlyList<string> Causes);

public sealed record CreateEnvironmentRequest(
    string ApplicationName,
    string EnvironmentName,
    string VersionLabel,
    string? CnamePrefix = null,
    int? Instances = null,
    bool SingleInstance = false,
    IReadOnlyList<OptionSetting>? OptionSettings = null);

public sealed record DeployRequest(string VersionLabel);

public sealed record ScaleRequest(int Instances);

/// <summary>Beanstalk's UpdateEnvironment OptionSettings / OptionsToRemove.</summary>
public sealed record UpdateConfigurationRequest(
    IReadOnlyList<OptionSetting>? OptionSettings = null,
    IReadOnlyList<OptionKey>? OptionsToRemove = null);

/// <summary>Beanstalk's SwapEnvironmentCNAMEs: the environment in the path swaps CNAMEs with this one.</summary>
public sealed record SwapRequest(string DestinationName);

/// <summary>Both environments after a CNAME swap.</summary>
public sealed record SwapResultDto(EnvironmentDto Source, EnvironmentDto Destination);

/// <summary><c>eb clone</c>: a new environment with the source's version and configuration.</summary>
public sealed record CloneRequest(string CloneName, string? CnamePrefix = null);
