using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace Sprout.Core.Health.Enhanced;

/// <summary>
/// The <c>aws:elasticbeanstalk:healthreporting:system ConfigDocument</c>: Beanstalk's JSON
/// (<c>{"Version":1,"CloudWatchMetrics":{...},"Rules":{"Environment":{"Application":{"ApplicationRequests4xx":{"Enabled":false}},"ELB":{"ELBRequests4xx":{"Enabled":false}}}}}</c>)
/// read as Beanstalk reads it, plus Sprout's additions: each rule object may also carry <c>Warning</c>, <c>Degraded</c> and
/// <c>Severe</c> thresholds; <c>Rules.Instance.System.CPUUtilization</c> and <c>Rules.Instance.HealthCheck.HealthCheckFailures</c>
/// are Sprout rules; a top-level <c>Sprout</c> object holds <c>MinimumRequestCount</c>, <c>NoDataAfterSeconds</c> and
/// <c>InstancesImpairedDegradedPercent</c>. Unknown names are errors, so a typo never silently leaves a rule as it was.
/// </summary>
/// <param name="EnvironmentMetrics">CloudWatchMetrics.Environment: metric name → period (Sprout keeps them for display; it publishes to no CloudWatch).</param>
/// <param name="InstanceMetrics">CloudWatchMetrics.Instance, likewise.</param>
public sealed record HealthConfigDocument(
    EnhancedHealthOptions Options,
    IReadOnlyDictionary<string, int?> EnvironmentMetrics,
    IReadOnlyDictionary<string, int?> InstanceMetrics)
{
    private static readonly Dictionary<string, (string Group, string Category)> RulePaths = new(StringComparer.Ordinal)
    {
        [HealthRuleNames.ApplicationRequests4xx] = ("Environment", "Application"),
        [HealthRuleNames.ApplicationRequests5xx] = ("Environment", "Application"),
        [HealthRuleNames.ApplicationLatencyP99] = ("Environment", "Application"),
        [HealthRuleNames.ELBRequests4xx] = ("Environment", "ELB"),
        [HealthRuleNames.ELBRequests5xx] = ("Environment", "ELB"),
        [HealthRuleNames.CPUUtilization] = ("Instance", "System"),
        [HealthRuleNames.HealthCheckFailures] = ("Instance", "HealthCheck"),
    };

    /// <summary>
    /// Reads <paramref name="json"/> over <paramref name="baseOptions"/> (null or blank: no changes). On any error
    /// <paramref name="document"/> is null and <paramref name="errors"/> lists every problem with its JSON path.
    /// </summary>
    public static bool TryParse(string? json, EnhancedHealthOptions baseOptions, [NotNullWhen(true)] out HealthConfigDocument? document, out IReadOnlyList<string> errors)
    {
        ArgumentNullException.ThrowIfNull(baseOptions);
        var problems = new List<string>();
        errors = problems;
        document = null;
        if (string.IsNullOrWhiteSpace(json))
        {
            document = new HealthConfigDocument(baseOptions, new Dictionary<string, int?>(), new Dictionary<string, int?>());
            return true;
        }

        JsonDocument parsed;
        try
        {
            parsed = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            problems.Add($"ConfigDocument is not valid JSON: {e.Message}");
            return false;
        }

        using (parsed)
        {
            var root = parsed.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                problems.Add("ConfigDocument must be a JSON object.");
                return false;
            }

            var options = baseOptions;
            var environmentMetrics = new Dictionary<string, int?>(StringComparer.Ordinal);
            var instanceMetrics = new Dictionary<string, int?>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                switch (property.Name)
                {
                    case "Version":
                        if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt32(out var version) || version != 1)
                        {
                            problems.Add($"Version: only 1 is supported (got {property.Value.GetRawText()}).");
                        }

                        break;
                    case "CloudWatchMetrics":
                        ReadMetrics(property.Value, environmentMetrics, instanceMetrics, problems);
                        break;
                    case "Rules":
                        options = ReadRules(property.Value, options, problems);
                        break;
                    case "Sprout":
                        options = ReadSprout(property.Value, options, problems);
                        break;
                    default:
                        problems.Add($"{property.Name}: unknown key (expected Version, CloudWatchMetrics, Rules or Sprout).");
                        break;
                }
            }

            foreach (var (name, thresholds) in Thresholds(options))
            {
                if (thresholds.Problem(name) is { } problem)
                {
                    problems.Add(problem);
                }
            }

            if (problems.Count > 0)
            {
                return false;
            }

            document = new HealthConfigDocument(options, environmentMetrics, instanceMetrics);
            return true;
        }
    }

    private static IEnumerable<(string Name, RuleThresholds Thresholds)> Thresholds(EnhancedHealthOptions options) =>
    [
        (HealthRuleNames.ApplicationRequests4xx, options.ApplicationRequests4xx),
        (HealthRuleNames.ApplicationRequests5xx, options.ApplicationRequests5xx),
        (HealthRuleNames.ApplicationLatencyP99, options.ApplicationLatencyP99),
        (HealthRuleNames.ELBRequests4xx, options.ELBRequests4xx),
        (HealthRuleNames.ELBRequests5xx, options.ELBRequests5xx),
        (HealthRuleNames.CPUUtilization, options.CPUUtilization),
        (HealthRuleNames.HealthCheckFailures, options.HealthCheckFailures),
    ];

    private static EnhancedHealthOptions ReadRules(JsonElement rules, EnhancedHealthOptions options, List<string> problems)
    {
        if (!IsObject(rules, "Rules", problems))
        {
            return options;
        }

        foreach (var group in rules.EnumerateObject())
        {
            var groupPath = $"Rules.{group.Name}";
            if (group.Name is not ("Environment" or "Instance"))
            {
                problems.Add($"{groupPath}: unknown key (expected Environment or Instance).");
                continue;
            }

            if (!IsObject(group.Value, groupPath, problems))
            {
                continue;
            }

            foreach (var category in group.Value.EnumerateObject())
            {
                var categoryPath = $"{groupPath}.{category.Name}";
                if (!IsObject(category.Value, categoryPath, problems))
                {
                    continue;
                }

                foreach (var rule in category.Value.EnumerateObject())
                {
                    var rulePath = $"{categoryPath}.{rule.Name}";
                    if (!RulePaths.TryGetValue(rule.Name, out var expected) || expected != (group.Name, category.Name))
                    {
                        var where = RulePaths.Where(p => p.Value == (group.Name, category.Name)).Select(p => p.Key).ToList();
                        problems.Add(where.Count == 0
                            ? $"{categoryPath}: unknown rule category."
                            : $"{rulePath}: unknown rule (expected one of {string.Join(", ", where)}).");
                        continue;
                    }

                    options = WithRule(options, rule.Name, ReadThresholds(rule.Value, rulePath, RuleOf(options, rule.Name), problems));
                }
            }
        }

        return options;
    }

    private static RuleThresholds ReadThresholds(JsonElement rule, string path, RuleThresholds current, List<string> problems)
    {
        if (!IsObject(rule, path, problems))
        {
            return current;
        }

        foreach (var field in rule.EnumerateObject())
        {
            var fieldPath = $"{path}.{field.Name}";
            switch (field.Name)
            {
                case "Enabled" when field.Value.ValueKind is JsonValueKind.True or JsonValueKind.False:
                    current = current with { Enabled = field.Value.GetBoolean() };
                    break;
                case "Enabled":
                    problems.Add($"{fieldPath}: must be true or false.");
                    break;
                case "Warning" or "Degraded" or "Severe" when field.Value.ValueKind == JsonValueKind.Number && field.Value.GetDouble() >= 0:
                    var value = field.Value.GetDouble();
                    current = field.Name switch
                    {
                        "Warning" => current with { Warning = value },
                        "Degraded" => current with { Degraded = value },
                        _ => current with { Severe = value },
                    };
                    break;
                case "Warning" or "Degraded" or "Severe":
                    problems.Add($"{fieldPath}: must be a number at or above 0.");
                    break;
                default:
                    problems.Add($"{fieldPath}: unknown key (expected Enabled, Warning, Degraded or Severe).");
                    break;
            }
        }

        return current;
    }

    private static EnhancedHealthOptions ReadSprout(JsonElement sprout, EnhancedHealthOptions options, List<string> problems)
    {
        if (!IsObject(sprout, "Sprout", problems))
        {
            return options;
        }

        foreach (var field in sprout.EnumerateObject())
        {
            var path = $"Sprout.{field.Name}";
            var isNumber = field.Value.ValueKind == JsonValueKind.Number;
            switch (field.Name)
            {
                case "MinimumRequestCount" when isNumber && field.Value.TryGetInt64(out var count) && count >= 0:
                    options = options with { MinimumRequestCount = count };
                    break;
                case "NoDataAfterSeconds" when isNumber && field.Value.TryGetInt32(out var seconds) && seconds > 0:
                    options = options with { NoDataAfter = TimeSpan.FromSeconds(seconds) };
                    break;
                case "InstancesImpairedDegradedPercent" when isNumber && field.Value.GetDouble() is >= 0 and <= 100:
                    options = options with { InstancesImpairedDegradedPercent = field.Value.GetDouble() };
                    break;
                case "MinimumRequestCount":
                    problems.Add($"{path}: must be a whole number at or above 0.");
                    break;
                case "NoDataAfterSeconds":
                    problems.Add($"{path}: must be a whole number of seconds above 0.");
                    break;
                case "InstancesImpairedDegradedPercent":
                    problems.Add($"{path}: must be a number from 0 to 100.");
                    break;
                default:
                    problems.Add($"{path}: unknown key (expected MinimumRequestCount, NoDataAfterSeconds or InstancesImpairedDegradedPercent).");
                    break;
            }
        }

        return options;
    }

    private static void ReadMetrics(JsonElement metrics, Dictionary<string, int?> environment, Dictionary<string, int?> instance, List<string> problems)
    {
        if (!IsObject(metrics, "CloudWatchMetrics", problems))
        {
            return;
        }

        foreach (var level in metrics.EnumerateObject())
        {
            var path = $"CloudWatchMetrics.{level.Name}";
            var target = level.Name switch { "Environment" => environment, "Instance" => instance, _ => null };
            if (target is null)
            {
                problems.Add($"{path}: unknown key (expected Environment or Instance).");
                continue;
            }

            if (!IsObject(level.Value, path, problems))
            {
                continue;
            }

            foreach (var metric in level.Value.EnumerateObject())
            {
                // Beanstalk accepts only 60 (publish every minute) or null (don't publish).
                if (metric.Value.ValueKind == JsonValueKind.Null)
                {
                    target[metric.Name] = null;
                }
                else if (metric.Value.ValueKind == JsonValueKind.Number && metric.Value.TryGetInt32(out var period) && period == 60)
                {
                    target[metric.Name] = period;
                }
                else
                {
                    problems.Add($"{path}.{metric.Name}: period must be 60 or null (got {metric.Value.GetRawText()}).");
                }
            }
        }
    }

    private static bool IsObject(JsonElement element, string path, List<string> problems)
    {
        if (element.ValueKind == JsonValueKind.Object)
        {
            return true;
        }

        problems.Add($"{path}: must be a JSON object.");
        return false;
    }

    private static RuleThresholds RuleOf(EnhancedHealthOptions options, string rule) => rule switch
    {
        HealthRuleNames.ApplicationRequests4xx => options.ApplicationRequests4xx,
        HealthRuleNames.ApplicationRequests5xx => options.ApplicationRequests5xx,
        HealthRuleNames.ApplicationLatencyP99 => options.ApplicationLatencyP99,
        HealthRuleNames.ELBRequests4xx => options.ELBRequests4xx,
        HealthRuleNames.ELBRequests5xx => options.ELBRequests5xx,
        HealthRuleNames.CPUUtilization => options.CPUUtilization,
        HealthRuleNames.HealthCheckFailures => options.HealthCheckFailures,
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, null),
    };

    private static EnhancedHealthOptions WithRule(EnhancedHealthOptions options, string rule, RuleThresholds thresholds) => rule switch
    {
        HealthRuleNames.ApplicationRequests4xx => options with { ApplicationRequests4xx = thresholds },
        HealthRuleNames.ApplicationRequests5xx => options with { ApplicationRequests5xx = thresholds },
        HealthRuleNames.ApplicationLatencyP99 => options with { ApplicationLatencyP99 = thresholds },
        HealthRuleNames.ELBRequests4xx => options with { ELBRequests4xx = thresholds },
        HealthRuleNames.ELBRequests5xx => options with { ELBRequests5xx = thresholds },
        HealthRuleNames.CPUUtilization => options with { CPUUtilization = thresholds },
        HealthRuleNames.HealthCheckFailures => options with { HealthCheckFailures = thresholds },
        _ => throw new ArgumentOutOfRangeException(nameof(rule), rule, null),
    };
}
