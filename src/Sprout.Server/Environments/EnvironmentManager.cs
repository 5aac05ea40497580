using System.Collections.Concurrent;
using Sprout.Core.Api;
using Sprout.Core.Deployments;
using Sprout.Core.Model;
using Sprout.Core.Names;
using Sprout.Core.Options;
using Sprout.Server.Store;

namespace Sprout.Server.Environments;

/// <summary>
/// The entry point for environment operations: validates a request, records the operation in
/// the store (which refuses it unless the environment is Ready), and hands it to the
/// environment's controller to run.
/// </summary>
internal sealed partial class EnvironmentManager(EnvironmentServices services) : IAsyncDisposable
{
    private const string AutoScalingNamespace = "aws:autoscaling:asg";
    private const string EnvironmentNamespace = "aws:elasticbeanstalk:environment";
    private readonly ConcurrentDictionary<string, EnvironmentController> _controllers = new(StringComparer.Ordinal);
    private readonly Lock _registration = new();
    private int _disposed;

    public EnvironmentController? Find(string environmentId) => _controllers.GetValueOrDefault(environmentId);

    /// <summary>Every live environment's controller, for the server-wide health and scaling rounds.</summary>
    public IReadOnlyList<EnvironmentController> Controllers => [.. _controllers.Values];

    public async Task RestoreAsync(CancellationToken cancellationToken)
    {
        foreach (var row in await services.Store.ListEnvironmentsAsync(null, cancellationToken))
        {
            try
            {
                await Register(row).RestoreAsync(cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One environment that cannot be restored must not keep the server, and every other environment, down.
                await services.Store.AppendEventAsync(new EventDraft(EventSeverity.ERROR, $"Could not restore the environment after the server restarted: {e.Message}", row.Application, row.Name), cancellationToken);
            }
        }

        await ResumeShiftsAsync(cancellationToken);
    }

    public async Task<EnvironmentRow> CreateAsync(CreateEnvironmentRequest request, CancellationToken cancellationToken)
    {
        Reject(ResourceNames.ValidateEnvironmentName(request.EnvironmentName), "invalid_environment_name");
        Reject(ResourceNames.ValidateApplicationName(request.ApplicationName), "invalid_application_name");
        Reject(ResourceNames.ValidateVersionLabel(request.VersionLabel), "invalid_version_label");
        var cname = request.CnamePrefix ?? request.EnvironmentName;
        Reject(ResourceNames.ValidateCnamePrefix(cname), "invalid_cname");
        _ = await services.Store.GetApplicationAsync(request.ApplicationName, cancellationToken)
            ?? throw RequestRejectedException.NotFound("application_not_found", $"No application named {request.ApplicationName}. Create it with `sprout init` or POST /api/applications.");
        await RequireDeployableVersionAsync(request.ApplicationName, request.VersionLabel, cancellationToken);

        var settings = (request.OptionSettings ?? []).ToList();
        var type = request.SingleInstance ? EnvironmentType.SingleInstance : EnvironmentType.LoadBalanced;
        var typeSetting = settings.LastOrDefault(s => s is { Namespace: EnvironmentNamespace, OptionName: "EnvironmentType" });
        if (typeSetting is not null && Enum.TryParse<EnvironmentType>(typeSetting.Value, out var parsedType))
        {
            type = parsedType;
        }

        var capacity = type == EnvironmentType.SingleInstance ? 1 : request.Instances ?? MinSizeOf(settings) ?? 1;
        if (request.Instances is { } wanted && type == EnvironmentType.SingleInstance && wanted != 1)
        {
            throw RequestRejectedException.Invalid("invalid_capacity", "A SingleInstance environment runs exactly one instance; drop --single to run more.");
        }

        if (capacity is < 1 or > 10000)
        {
            throw RequestRejectedException.Invalid("invalid_capacity", $"Instances must be between 1 and 10000 (got {capacity}).");
        }

        settings = WithCapacity(settings, capacity, type);
        ValidateSettings(settings);

        var now = services.Time.GetUtcNow();
        var row = new EnvironmentRow
        {
            Id = Identifiers.NewEnvironmentId(),
            Name = request.EnvironmentName,
            Application = request.ApplicationName,
            VersionLabel = request.VersionLabel,
            Cname = cname.ToLowerInvariant(),
            Status = EnvironmentStatus.Launching,
            Health = HealthColor.Grey,
            HealthStatus = "Pending",
            EnvironmentType = type,
            DesiredCapacity = capacity,
            ConfigGeneration = 1,
            Operation = OperationKind.Launch,
            Created = now,
            Updated = now,
        };
        await Conflicts(() => services.Store.CreateEnvironmentAsync(row, settings, cancellationToken));
        Register(row).StartOperation(row);
        return row;
    }

    /// <summary>Starts a deployment; its id is the returned row's <see cref="EnvironmentRow.DeploymentCount"/>.</summary>
    public async Task<OperationStart> DeployAsync(string environmentName, string versionLabel, CancellationToken cancellationToken)
    {
        var environment = await RequireEnvironmentAsync(environmentName, cancellationToken);
        await RequireDeployableVersionAsync(environment.Application, versionLabel, cancellationToken);
        return await BeginAsync(environmentName, new OperationChange(OperationKind.Deploy, EnvironmentStatus.Updating, $"Environment update is starting: deploying {versionLabel}.")
        {
            VersionLabel = versionLabel,
        }, cancellationToken);
    }

    public async Task<EnvironmentRow> ScaleAsync(string environmentName, int instances, CancellationToken cancellationToken)
    {
        if (instances is < 1 or > 10000)
        {
            throw RequestRejectedException.Invalid("invalid_capacity", $"Instances must be between 1 and 10000 (got {instances}).");
        }

        var environment = await RequireEnvironmentAsync(environmentName, cancellationToken);
        var type = instances > 1 ? EnvironmentType.LoadBalanced : environment.EnvironmentType;
        var settings = WithCapacity([], instances, type);
        return (await BeginAsync(environmentName, new OperationChange(OperationKind.Scale, EnvironmentStatus.Updating, $"Environment update is starting: scaling to {instances} instance(s).")
        {
            DesiredCapacity = instances,
            EnvironmentType = type,
            SettingsToApply = settings,
        }, cancellationToken)).Row;
    }

    public async Task<EnvironmentRow> ConfigureAsync(string environmentName, UpdateConfigurationRequest request, CancellationToken cancellationToken)
    {
        var environment = await RequireEnvironmentAsync(environmentName, cancellationToken);
        var toApply = (request.OptionSettings ?? []).ToList();
        var toRemove = (request.OptionsToRemove ?? []).ToList();
        if (toApply.Count == 0 && toRemove.Count == 0)
        {
            throw RequestRejectedException.Invalid("nothing_to_change", "The request names no option to set or remove.");
        }

        var current = await services.Store.GetOptionSettingsAsync(environment.Id, cancellationToken);
        var removed = toRemove.ToHashSet();
        var merged = current.Where(s => !removed.Contains(s.Key) && toApply.All(a => a.Key != s.Key)).Concat(toApply).ToList();
        ValidateSettings(merged);

        var effective = EffectiveOptions.Resolve([], merged);
        var capacity = Math.Clamp(environment.DesiredCapacity, effective.MinSize, Math.Max(effective.MinSize, effective.MaxSize));
        // Instances move to a new configuration generation only when what they run changes (same values change nothing).
        var restarts = ConfigurationChange.Between(current, merged) is { NeedsReplacement: true } or { RestartsApplication: true };
        var names = string.Join(", ", toApply.Select(s => s.Key.ToString()).Concat(toRemove.Select(k => k + " (removed)")));
        return (await BeginAsync(environmentName, new OperationChange(OperationKind.Configure, EnvironmentStatus.Updating, $"Environment update is starting: {names}.")
        {
            DesiredCapacity = capacity,
            EnvironmentType = effective.EnvironmentType,
            RestartsInstances = restarts,
            SettingsToApply = toApply,
            SettingsToRemove = toRemove,
        }, cancellationToken)).Row;
    }

    /// <summary>Blue/green: exchanges the two environments' CNAMEs in the store and in the router at once.</summary>
    public async Task<(EnvironmentRow Source, EnvironmentRow Destination)> SwapAsync(string sourceName, string destinationName, CancellationToken cancellationToken)
    {
        var (source, destination) = await Conflicts(() => services.Store.SwapCnamesAsync(sourceName, destinationName, cancellationToken));
        var sourceController = _controllers.GetValueOrDefault(source.Id) ?? Register(source);
        var destinationController = _controllers.GetValueOrDefault(destination.Id) ?? Register(destination);
        EnvironmentController.SwapCnames(sourceController, source.Cname, destinationController, destination.Cname);
        return (source, destination);
    }

    /// <summary>
    /// A new environment running the source's version with the source's configuration (its own option
    /// settings, not its data), as <c>eb clone</c> does.
    /// </summary>
    public async Task<EnvironmentRow> CloneAsync(string sourceName, string cloneName, string? cnamePrefix, CancellationToken cancellationToken)
    {
        var source = await RequireEnvironmentAsync(sourceName, cancellationToken);
        if (source.VersionLabel is null)
        {
            throw new RequestRejectedException(409, "nothing_to_clone", $"Environment {sourceName} runs no application version, so there is nothing to clone.");
        }

        var settings = await services.Store.GetOptionSettingsAsync(source.Id, cancellationToken);
        return await CreateAsync(
            new CreateEnvironmentRequest(source.Application, cloneName, source.VersionLabel, cnamePrefix, source.DesiredCapacity, source.EnvironmentType == EnvironmentType.SingleInstance, settings),
            cancellationToken);
    }

    /// <summary>Beanstalk's AbortEnvironmentUpdate: the deployment in progress stops and its policy's recovery runs.</summary>
    public async Task AbortAsync(string environmentName, CancellationToken cancellationToken)
    {
        var environment = await RequireEnvironmentAsync(environmentName, cancellationToken);
        var problem = _controllers.GetValueOrDefault(environment.Id) is { } controller
            ? controller.RequestAbort()
            : $"Environment {environmentName} has no deployment in progress to abort.";
        if (problem is not null)
        {
            throw new RequestRejectedException(409, "not_abortable", problem);
        }
    }

    public async Task<EnvironmentRow> TerminateAsync(string environmentName, CancellationToken cancellationToken) =>
        (await BeginAsync(environmentName, new OperationChange(OperationKind.Terminate, EnvironmentStatus.Terminating, "terminateEnvironment is starting."), cancellationToken)).Row;

    private async Task<OperationStart> BeginAsync(string environmentName, OperationChange change, CancellationToken cancellationToken)
    {
        var start = await Conflicts(() => services.Store.BeginOperationAsync(environmentName, change, cancellationToken));
        var controller = _controllers.GetValueOrDefault(start.Row.Id) ?? Register(start.Row);
        controller.StartOperation(start.Row);
        return start;
    }

    private EnvironmentController Register(EnvironmentRow row)
    {
        lock (_registration)
        {
            if (_controllers.TryGetValue(row.Id, out var existing))
            {
                return existing;
            }

            var controller = new EnvironmentController(services, row);
            controller.Terminated += c =>
            {
                if (_controllers.TryRemove(c.Id, out var gone))
                {
                    _ = gone.DisposeAsync().AsTask();
                }
            };
            _controllers[row.Id] = controller;
            return controller;
        }
    }

    private async Task<EnvironmentRow> RequireEnvironmentAsync(string name, CancellationToken cancellationToken) =>
        await services.Store.GetEnvironmentAsync(name, cancellationToken)
        ?? throw RequestRejectedException.NotFound("environment_not_found", $"No environment named {name}.");

    private async Task RequireDeployableVersionAsync(string application, string label, CancellationToken cancellationToken)
    {
        var version = await services.Store.GetVersionAsync(application, label, cancellationToken)
            ?? throw RequestRejectedException.NotFound("version_not_found", $"Application {application} has no version labelled {label}.");
        if (version.Status == VersionStatus.Failed)
        {
            throw new RequestRejectedException(409, "version_failed", $"Application version {label} failed to build and cannot be deployed: {version.FailureReason}");
        }
    }

    private static void ValidateSettings(IReadOnlyList<OptionSetting> settings)
    {
        var errors = OptionValidator.Validate(settings);
        if (errors.Count > 0)
        {
            throw RequestRejectedException.Invalid("invalid_option", string.Join(" ", errors.Select(e => e.Message)));
        }
    }

    private static int? MinSizeOf(IEnumerable<OptionSetting> settings) =>
        settings.LastOrDefault(s => s is { Namespace: AutoScalingNamespace, OptionName: "MinSize" }) is { } min && int.TryParse(min.Value, out var value) ? value : null;

    /// <summary>Capacity is Beanstalk's MinSize/MaxSize: a fixed count N is MinSize = MaxSize = N (as <c>eb scale</c> does).</summary>
    private static List<OptionSetting> WithCapacity(List<OptionSetting> settings, int capacity, EnvironmentType type)
    {
        var rest = settings.Where(s => !(s.Namespace == AutoScalingNamespace && s.OptionName is "MinSize" or "MaxSize")
            && !(s.Namespace == EnvironmentNamespace && s.OptionName == "EnvironmentType")).ToList();
        var max = settings.LastOrDefault(s => s is { Namespace: AutoScalingNamespace, OptionName: "MaxSize" }) is { } m && int.TryParse(m.Value, out var parsed) ? Math.Max(parsed, capacity) : capacity;
        var min = MinSizeOf(settings) is { } explicitMin && explicitMin <= capacity ? explicitMin : capacity;
        rest.Add(new OptionSetting(AutoScalingNamespace, "MinSize", min.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        rest.Add(new OptionSetting(AutoScalingNamespace, "MaxSize", max.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        rest.Add(new OptionSetting(EnvironmentNamespace, "EnvironmentType", type.ToString()));
        return rest;
    }

    private static void Reject(string? problem, string code)
    {
        if (problem is not null)
        {
            throw RequestRejectedException.Invalid(code, problem);
        }
    }

    private static async Task<T> Conflicts<T>(Func<Task<T>> write)
    {
        try
        {
            return await write();
        }
        catch (StoreConflictException e)
        {
            throw new RequestRejectedException(e.Code.EndsWith("not_found", StringComparison.Ordinal) ? 404 : 409, e.Code, e.Message);
        }
    }

    private static async Task Conflicts(Func<Task> write) =>
        await Conflicts(async () =>
        {
            await write();
            return true;
        });

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        foreach (var controller in _controllers.Values)
        {
            await controller.DisposeAsync();
        }
    }
}
