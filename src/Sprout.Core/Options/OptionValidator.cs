using System.Globalization;
using Sprout.Core.Model;
using static Sprout.Core.Options.OptionNamespaces;

namespace Sprout.Core.Options;

/// <summary>
/// Checks option settings against the catalogue and Beanstalk's cross-option rules, reporting every problem at once.
/// Later settings for the same key override earlier ones for the cross-option rules, so a bundle's settings
/// followed by the environment's can be validated as one effective set.
/// </summary>
public static class OptionValidator
{
    public static IReadOnlyList<OptionError> Validate(IEnumerable<OptionSetting> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var list = settings.ToList();
        var errors = new List<OptionError>();
        foreach (var setting in list)
        {
            if (CheckSetting(setting) is { } message)
            {
                errors.Add(new OptionError(setting.Key, message));
            }
        }

        var effective = new Dictionary<OptionKey, string>();
        foreach (var setting in list)
        {
            effective[setting.Key] = setting.Value;
        }

        CheckSizes(effective, errors);
        CheckBatchSize(effective, errors);
        CheckEnvironmentPropertiesTotal(effective, errors);
        return errors;
    }

    /// <summary>How messages name an option: <c>namespace OptionName</c>, prefixed with <c>Resource.</c> when scoped.</summary>
    public static string Label(OptionKey key) =>
        key.ResourceName is null ? $"{key.Namespace} {key.OptionName}" : $"{key.ResourceName}.{key.Namespace} {key.OptionName}";

    private static string? CheckSetting(OptionSetting setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        var (ns, name, value) = (setting.Namespace, setting.OptionName, setting.Value ?? "");
        if (OptionCatalogue.IsFreeForm(ns))
        {
            return Prefixed(setting.Key, EnvironmentPropertyRules.CheckKey(name) ?? EnvironmentPropertyRules.CheckValue(value));
        }

        if (OptionCatalogue.TryGet(ns, name, out var definition))
        {
            return OptionCatalogue.RequiresResourceName(ns) && string.IsNullOrEmpty(setting.ResourceName)
                ? Prefixed(setting.Key, "scheduled action options need a resource name (the action's name).")
                : Prefixed(setting.Key, OptionValueRules.Check(definition, value));
        }

        if (OptionCatalogue.IsPassThrough(ns))
        {
            return null;
        }

        if (OptionCatalogue.IsKnownNamespace(ns))
        {
            return OptionCatalogue.SuggestOption(ns, name) is { } option
                ? $"Unknown option '{name}' in namespace {ns} (did you mean {option}?)."
                : $"Unknown option '{name}' in namespace {ns}.";
        }

        return OptionCatalogue.SuggestNamespace(ns) is { } suggestion
            ? $"Unknown namespace '{ns}' for option {name} (did you mean {suggestion}?)."
            : $"Unknown namespace '{ns}' for option {name}.";
    }

    private static string? Prefixed(OptionKey key, string? problem) => problem is null ? null : $"{Label(key)}: {problem}";

    private static void CheckSizes(Dictionary<OptionKey, string> effective, List<OptionError> errors)
    {
        var minKey = new OptionKey(AutoScalingGroup, "MinSize");
        var maxKey = new OptionKey(AutoScalingGroup, "MaxSize");
        if ((effective.ContainsKey(minKey) || effective.ContainsKey(maxKey)) &&
            TryGetInt(effective, minKey, out var min) && TryGetInt(effective, maxKey, out var max) && min > max)
        {
            var key = effective.ContainsKey(minKey) ? minKey : maxKey;
            errors.Add(new OptionError(key, $"{Label(key)}: MinSize {min} is greater than MaxSize {max}."));
        }

        foreach (var resource in effective.Keys.Where(k => k.Namespace == ScheduledAction && k.ResourceName is not null).Select(k => k.ResourceName).Distinct())
        {
            var actionMin = new OptionKey(ScheduledAction, "MinSize", resource);
            var actionMax = new OptionKey(ScheduledAction, "MaxSize", resource);
            if (effective.ContainsKey(actionMin) && effective.ContainsKey(actionMax) &&
                TryGetInt(effective, actionMin, out var lower) && TryGetInt(effective, actionMax, out var upper) && lower > upper)
            {
                errors.Add(new OptionError(actionMin, $"{Label(actionMin)}: MinSize {lower} is greater than MaxSize {upper}."));
            }
        }
    }

    private static void CheckBatchSize(Dictionary<OptionKey, string> effective, List<OptionError> errors)
    {
        var sizeKey = new OptionKey(Command, "BatchSize");
        var typeKey = new OptionKey(Command, "BatchSizeType");
        var type = effective.GetValueOrDefault(typeKey) ?? OptionCatalogue.DefaultValue(Command, "BatchSizeType");
        if (effective.TryGetValue(sizeKey, out var written) && type == "Percentage" && TryGetInt(effective, sizeKey, out var size) && size > 100)
        {
            errors.Add(new OptionError(sizeKey, $"{Label(sizeKey)}: '{written}' is above the maximum 100 for BatchSizeType Percentage."));
        }
    }

    private static void CheckEnvironmentPropertiesTotal(Dictionary<OptionKey, string> effective, List<OptionError> errors)
    {
        var properties = effective.Where(p => p.Key.Namespace == ApplicationEnvironment).ToList();
        var total = properties.Sum(p => EnvironmentPropertyRules.ByteCount(p.Key.OptionName, p.Value));
        if (total <= EnvironmentPropertyRules.MaxTotalBytes)
        {
            return;
        }

        // Blame the property that crossed the limit, in the order the settings were given.
        var running = 0;
        var culprit = properties.First(p => (running += EnvironmentPropertyRules.ByteCount(p.Key.OptionName, p.Value)) > EnvironmentPropertyRules.MaxTotalBytes).Key;
        errors.Add(new OptionError(culprit,
            $"{Label(culprit)}: the {properties.Count} environment properties take {total} bytes as key=value strings; the limit is {EnvironmentPropertyRules.MaxTotalBytes}."));
    }

    private static bool TryGetInt(Dictionary<OptionKey, string> effective, OptionKey key, out long value) =>
        long.TryParse(
            effective.GetValueOrDefault(key) ?? OptionCatalogue.DefaultValue(key.Namespace, key.OptionName),
            NumberStyles.AllowLeadingSign,
            CultureInfo.InvariantCulture,
            out value);
}
