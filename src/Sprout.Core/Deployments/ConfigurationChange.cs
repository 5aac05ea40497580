using Sprout.Core.Model;
using Sprout.Core.Options;

namespace Sprout.Core.Deployments;

/// <summary>
/// What an option change does to running instances (reference eb.md §3.3): changes to what an instance is launched
/// with (<c>aws:autoscaling:launchconfiguration</c>, <c>aws:ec2:vpc</c>, <c>aws:ec2:instances</c> except adding
/// instance types) need new instances, replaced by a rolling configuration update; environment properties are a
/// configuration deployment on the existing instances (the application restarts in place); everything else
/// (health checks, capacity, load balancing, deployment policy) applies live.
/// </summary>
/// <param name="NeedsReplacement">Instances must be replaced (<see cref="RollingUpdatePlanner"/>).</param>
/// <param name="ReplacementCauses">The options that need new instances, e.g. <c>aws:autoscaling:launchconfiguration:InstanceType</c>.</param>
/// <param name="RestartsApplication">Environment properties changed: without replacement, the application restarts on its instances.</param>
public sealed record ConfigurationChange(bool NeedsReplacement, IReadOnlyList<OptionKey> ReplacementCauses, bool RestartsApplication)
{
    public const string LaunchConfiguration = "aws:autoscaling:launchconfiguration";
    public const string Ec2Instances = "aws:ec2:instances";
    public const string Ec2Vpc = "aws:ec2:vpc";
    public const string InstanceTypes = "InstanceTypes";

    /// <summary>Compares the option settings applied to an environment before and after a change.</summary>
    public static ConfigurationChange Between(IReadOnlyList<OptionSetting> before, IReadOnlyList<OptionSetting> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var old = Index(before);
        var fresh = Index(after);
        var changed = old.Keys.Union(fresh.Keys)
            .Where(key => old.GetValueOrDefault(key) != fresh.GetValueOrDefault(key))
            .OrderBy(key => key.ToString(), StringComparer.Ordinal)
            .ToList();

        var causes = changed.Where(key => Replaces(key, old.GetValueOrDefault(key), fresh.GetValueOrDefault(key))).ToList();
        var restarts = changed.Any(key => key.Namespace == OptionNamespaces.ApplicationEnvironment);
        return new ConfigurationChange(causes.Count > 0, causes, restarts);
    }

    /// <summary>One line for the event log, e.g. "aws:autoscaling:launchconfiguration:InstanceType needs new instances.".</summary>
    public string Describe() =>
        ReplacementCauses.Count == 0
            ? "No option in this change needs new instances."
            : $"{string.Join(", ", ReplacementCauses)} {(ReplacementCauses.Count == 1 ? "needs" : "need")} new instances.";

    private static bool IsLaunchNamespace(string ns) => ns is LaunchConfiguration or Ec2Instances or Ec2Vpc;

    private static bool Replaces(OptionKey key, string? before, string? after)
    {
        if (!IsLaunchNamespace(key.Namespace))
        {
            return false;
        }

        // Adding instance types changes no running instance; removing one replaces the instances of that type.
        if (key.Namespace == Ec2Instances && key.OptionName == InstanceTypes)
        {
            return SplitList(before).Except(SplitList(after), StringComparer.Ordinal).Any();
        }

        return true;
    }

    private static IEnumerable<string> SplitList(string? value) =>
        (value ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Dictionary<OptionKey, string> Index(IReadOnlyList<OptionSetting> settings)
    {
        var index = new Dictionary<OptionKey, string>();
        foreach (var setting in settings)
        {
            index[setting.Key] = setting.Value;
        }

        return index;
    }
}
