using System.Globalization;
using Sprout.Core.Model;
using static Sprout.Core.Options.OptionNamespaces;

namespace Sprout.Core.Options;

/// <summary>
/// An environment's options after Beanstalk's precedence (reference §4.11): settings applied to the environment win
/// over the bundle's <c>.ebextensions</c>, which win over catalogue defaults. Typed accessors never throw: a value
/// that does not parse (it should have been rejected by <see cref="OptionValidator"/>) falls back to the default.
/// </summary>
public sealed class EffectiveOptions
{
    private readonly Dictionary<OptionKey, EffectiveOption> _set;

    private EffectiveOptions(Dictionary<OptionKey, EffectiveOption> set)
    {
        _set = set;
        Settings = [.. set.Values.Select(o => new OptionSetting(o.Namespace, o.OptionName, o.Value, o.ResourceName))];
        EnvironmentProperties = set.Values
            .Where(o => o.Namespace == ApplicationEnvironment && o.ResourceName is null)
            .ToDictionary(o => o.OptionName, o => o.Value, StringComparer.Ordinal);
        All = BuildAll(set);
    }

    /// <summary>No settings: every option at its default.</summary>
    public static EffectiveOptions Defaults { get; } = Resolve([], []);

    /// <summary>Merges settings; within each source a later setting for the same key wins.</summary>
    public static EffectiveOptions Resolve(IEnumerable<OptionSetting> bundle, IEnumerable<OptionSetting> environment)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(environment);
        var set = new Dictionary<OptionKey, EffectiveOption>();
        foreach (var (settings, source) in new[] { (bundle, OptionSources.Bundle), (environment, OptionSources.Environment) })
        {
            foreach (var s in settings)
            {
                set[s.Key] = new EffectiveOption(s.Namespace, s.OptionName, s.Value ?? "", source, s.ResourceName);
            }
        }

        return new EffectiveOptions(set);
    }

    /// <summary>The explicitly set options (environment and bundle, merged), for <see cref="OptionValidator.Validate"/> and storage.</summary>
    public IReadOnlyList<OptionSetting> Settings { get; }

    /// <summary>For display: every catalogue option that has a default, plus everything set, each with its source; sorted by namespace, resource and name.</summary>
    public IReadOnlyList<EffectiveOption> All { get; }

    /// <summary><c>aws:elasticbeanstalk:application:environment</c> as name → value.</summary>
    public IReadOnlyDictionary<string, string> EnvironmentProperties { get; }

    public string? Get(string ns, string name, string? resourceName = null) =>
        _set.TryGetValue(new OptionKey(ns, name, resourceName), out var option)
            ? option.Value
            : resourceName is null && !OptionCatalogue.RequiresResourceName(ns) ? OptionCatalogue.DefaultValue(ns, name) : null;

    /// <summary><see cref="OptionSources"/> value, or null when the option is neither set nor has a default.</summary>
    public string? GetSource(string ns, string name, string? resourceName = null) =>
        _set.TryGetValue(new OptionKey(ns, name, resourceName), out var option)
            ? option.Source
            : Get(ns, name, resourceName) is null ? null : OptionSources.Default;

    /// <summary>True when the environment or bundle set the option (defaults don't count).</summary>
    public bool IsSet(string ns, string name, string? resourceName = null) => _set.ContainsKey(new OptionKey(ns, name, resourceName));

    public int MinSize => GetInt(AutoScalingGroup, "MinSize");

    public int MaxSize => GetInt(AutoScalingGroup, "MaxSize");

    public EnvironmentType EnvironmentType =>
        Enum.TryParse<EnvironmentType>(Get(OptionNamespaces.Environment, "EnvironmentType"), ignoreCase: false, out var type) && Enum.IsDefined(type)
            ? type
            : EnvironmentType.LoadBalanced;

    /// <summary>
    /// The path health checks request: <c>Application Healthcheck URL</c> when set (its PROTO:PORT prefix stripped),
    /// else the default process's <c>HealthCheckPath</c>, else <c>/</c>.
    /// </summary>
    public string HealthCheckPath
    {
        get
        {
            if (IsSet(Application, "Application Healthcheck URL") &&
                HealthCheckUrl.TryParse(Get(Application, "Application Healthcheck URL"), out var url, out _))
            {
                return url.Value.Path;
            }

            var path = Get(DefaultProcess, "HealthCheckPath");
            return path is not null && path.StartsWith('/') ? path : "/";
        }
    }

    public TimeSpan HealthCheckInterval => TimeSpan.FromSeconds(GetInt(DefaultProcess, "HealthCheckInterval"));

    public TimeSpan HealthCheckTimeout => TimeSpan.FromSeconds(GetInt(DefaultProcess, "HealthCheckTimeout"));

    public int HealthyThresholdCount => GetInt(DefaultProcess, "HealthyThresholdCount");

    public int UnhealthyThresholdCount => GetInt(DefaultProcess, "UnhealthyThresholdCount");

    /// <summary>Whether a status code counts as healthy (<c>MatcherHTTPCode</c>).</summary>
    public Func<int, bool> MatcherHttpCode =>
        (HttpCodeMatcher.TryParse(Get(DefaultProcess, "MatcherHTTPCode"), out var matcher, out _) ? matcher : HttpCodeMatcher.Default).Matches;

    public TimeSpan DeregistrationDelay => TimeSpan.FromSeconds(GetInt(DefaultProcess, "DeregistrationDelay"));

    /// <summary>The sticky-session cookie's lifetime when StickinessEnabled; null when stickiness is off.</summary>
    public TimeSpan? StickinessDuration => GetBool(DefaultProcess, "StickinessEnabled")
        ? TimeSpan.FromSeconds(GetInt(DefaultProcess, "StickinessLBCookieDuration"))
        : null;

    /// <summary>Host names the environment answers besides its CNAME, lower-cased.</summary>
    public IReadOnlyList<string> ExtraHostnames => Get(SproutRouter, "Hostnames") is { } list
        ? OptionValueRules.SplitList(list).Select(h => h.TrimEnd('.').ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList()
        : [];

    /// <summary><c>least_outstanding_requests</c> or <c>round_robin</c>.</summary>
    public string LoadBalancingAlgorithm => GetEnum(SproutRouter, "LoadBalancingAlgorithm");

    /// <summary><c>aws:elasticbeanstalk:command</c> <c>Timeout</c>: how long an instance has to finish a deployment.</summary>
    public TimeSpan CommandTimeout => TimeSpan.FromSeconds(GetInt(Command, "Timeout"));

    public string DeploymentPolicy => GetEnum(Command, "DeploymentPolicy");

    public string BatchSizeType => GetEnum(Command, "BatchSizeType");

    public int BatchSize => GetInt(Command, "BatchSize");

    public bool IgnoreHealthCheck => GetBool(Command, "IgnoreHealthCheck");

    /// <summary><c>aws:elasticbeanstalk:trafficsplitting</c> <c>NewVersionPercent</c>.</summary>
    public int NewVersionPercent => GetInt(TrafficSplitting, "NewVersionPercent");

    /// <summary><c>aws:elasticbeanstalk:trafficsplitting</c> <c>EvaluationTime</c> (minutes in the option).</summary>
    public TimeSpan EvaluationTime => TimeSpan.FromMinutes(GetInt(TrafficSplitting, "EvaluationTime"));

    /// <summary>Rolling updates are on when enabled explicitly, or implied by setting MaxBatchSize, MinInstancesInService or PauseTime.</summary>
    public bool RollingUpdateEnabled =>
        GetBool(RollingUpdate, "RollingUpdateEnabled") ||
        IsSet(RollingUpdate, "MaxBatchSize") || IsSet(RollingUpdate, "MinInstancesInService") || IsSet(RollingUpdate, "PauseTime");

    public string RollingUpdateType => GetEnum(RollingUpdate, "RollingUpdateType");

    /// <summary>Null when not set (Beanstalk computes ceil(MinSize/3)).</summary>
    public int? RollingUpdateMaxBatchSize => GetOptionalInt(RollingUpdate, "MaxBatchSize");

    /// <summary>Null when not set (Beanstalk computes min(MinSize, MaxSize − 1)).</summary>
    public int? RollingUpdateMinInstancesInService => GetOptionalInt(RollingUpdate, "MinInstancesInService");

    /// <summary>Null when not set or not an ISO-8601 duration.</summary>
    public TimeSpan? RollingUpdatePauseTime => GetIsoDuration(RollingUpdate, "PauseTime");

    public TimeSpan RollingUpdateTimeout => GetIsoDuration(RollingUpdate, "Timeout") ?? TimeSpan.FromMinutes(30);

    /// <summary><c>sprout:deployment:canary</c> <c>Steps</c>, unparsed; null when not set.</summary>
    public string? CanarySteps => Get(Canary, "Steps");

    public double CanaryMaxErrorRateIncrease => GetDouble(Canary, "MaxErrorRateIncrease");

    public double CanaryMaxP99LatencyRatio => GetDouble(Canary, "MaxP99LatencyRatio");

    public int CanaryMinimumRequests => GetInt(Canary, "MinimumRequests");

    private int? GetOptionalInt(string ns, string name)
    {
        var definition = Definition(ns, name);
        return int.TryParse(Get(ns, name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) &&
               (definition.Min is null || value >= definition.Min) && (definition.Max is null || value <= definition.Max)
            ? value
            : null;
    }

    /// <summary><c>aws:autoscaling:asg Cooldown</c>: time after a scaling activity before another trigger-driven one.</summary>
    public TimeSpan Cooldown => TimeSpan.FromSeconds(GetInt(AutoScalingGroup, "Cooldown"));

    /// <summary><c>aws:elasticbeanstalk:healthreporting:system SystemType</c>: <c>basic</c> or <c>enhanced</c>.</summary>
    public string HealthSystemType => GetEnum(HealthReporting, "SystemType");

    /// <summary><c>aws:elasticbeanstalk:healthreporting:system ConfigDocument</c> as written, or null.</summary>
    public string? HealthConfigDocument => Get(HealthReporting, "ConfigDocument");

    /// <summary>A catalogued integer option; a missing or out-of-range value gives the catalogue default (which must exist).</summary>
    public int GetInt32(string ns, string name) => GetInt(ns, name);

    /// <summary>A catalogued integer option, or null when it is neither validly set nor has a default.</summary>
    public int? GetInt32OrNull(string ns, string name, string? resourceName = null)
    {
        var definition = Definition(ns, name);
        return int.TryParse(Get(ns, name, resourceName), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) &&
               (definition.Min is null || value >= definition.Min) && (definition.Max is null || value <= definition.Max)
            ? value
            : null;
    }

    private TimeSpan? GetIsoDuration(string ns, string name)
    {
        if (Get(ns, name) is not { Length: > 0 } text)
        {
            return null;
        }

        try
        {
            return System.Xml.XmlConvert.ToTimeSpan(text);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return null;
        }
    }

    private double GetDouble(string ns, string name) =>
        double.TryParse(Get(ns, name), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : double.Parse(Definition(ns, name).DefaultValue!, CultureInfo.InvariantCulture);

    /// <summary>A catalogued boolean option; an unparsable value gives the catalogue default.</summary>
    public bool GetBoolean(string ns, string name) => GetBool(ns, name);

    /// <summary>A catalogued enum option; a value outside the allowed set gives the catalogue default.</summary>
    public string GetEnumValue(string ns, string name) => GetEnum(ns, name);

    private int GetInt(string ns, string name)
    {
        var definition = Definition(ns, name);
        return int.TryParse(Get(ns, name), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) &&
               (definition.Min is null || value >= definition.Min) && (definition.Max is null || value <= definition.Max)
            ? value
            : int.Parse(definition.DefaultValue!, CultureInfo.InvariantCulture);
    }

    private bool GetBool(string ns, string name) =>
        OptionValueRules.TryParseBoolean(Get(ns, name) ?? "", out var value)
            ? value
            : bool.Parse(Definition(ns, name).DefaultValue!);

    private string GetEnum(string ns, string name)
    {
        var definition = Definition(ns, name);
        var value = Get(ns, name);
        return value is not null && definition.AllowedValues!.Contains(value, StringComparer.Ordinal) ? value : definition.DefaultValue!;
    }

    private static OptionDefinition Definition(string ns, string name) =>
        OptionCatalogue.TryGet(ns, name, out var definition)
            ? definition
            : throw new InvalidOperationException($"{ns} {name} is not in the option catalogue.");

    private static IReadOnlyList<EffectiveOption> BuildAll(Dictionary<OptionKey, EffectiveOption> set)
    {
        var defaults = OptionCatalogue.Definitions
            .Where(d => d.DefaultValue is not null && !OptionCatalogue.RequiresResourceName(d.Namespace))
            .Where(d => !set.ContainsKey(new OptionKey(d.Namespace, d.Name)))
            .Select(d => new EffectiveOption(d.Namespace, d.Name, d.DefaultValue!, OptionSources.Default));
        return
        [
            .. set.Values.Concat(defaults)
                .OrderBy(o => o.Namespace, StringComparer.Ordinal)
                .ThenBy(o => o.ResourceName ?? "", StringComparer.Ordinal)
                .ThenBy(o => o.OptionName, StringComparer.Ordinal),
        ];
    }
}
