using System.Globalization;
using System.Text.Json;
using System.Xml;
using static Sprout.Core.Options.OptionNamespaces;

namespace Sprout.Core.Options;

/// <summary>Checks one value against its definition: type, range, allowed values, then any option-specific format.</summary>
internal static class OptionValueRules
{
    private static readonly Dictionary<(string Namespace, string Name), Func<string, string?>> Formats = new()
    {
        [(Application, "Application Healthcheck URL")] = CheckHealthCheckUrl,
        [(ClassicHealthCheck, "Target")] = CheckHealthCheckUrl,
        [(DefaultProcess, "HealthCheckPath")] = CheckPath,
        [(Sqsd, "HttpPath")] = CheckPath,
        [(DefaultProcess, "MatcherHTTPCode")] = v => HttpCodeMatcher.TryParse(v, out _, out var problem) ? null : problem,
        [(RollingUpdate, "PauseTime")] = v => CheckIsoDuration(v, TimeSpan.Zero, TimeSpan.FromHours(1)),
        [(RollingUpdate, "Timeout")] = v => CheckIsoDuration(v, TimeSpan.FromMinutes(5), TimeSpan.FromHours(1)),
        [(ScheduledAction, "StartTime")] = CheckTimestamp,
        [(ScheduledAction, "EndTime")] = CheckTimestamp,
        [(ScheduledAction, "Recurrence")] = CheckCron,
        [(SproutRouter, "Hostnames")] = CheckHostnames,
        [(Canary, "Steps")] = v => Deployments.TrafficSchedule.TryParse(v, out _, out var problem) ? null : problem,
        [(Canary, "MaxErrorRateIncrease")] = v => CheckDecimal(v, 0, 100),
        [(Canary, "MaxP99LatencyRatio")] = v => CheckDecimal(v, 1, 100),
    };

    /// <summary>Null when valid, else the problem (without the option name).</summary>
    public static string? Check(OptionDefinition definition, string value) =>
        CheckType(definition, value) ??
        (Formats.TryGetValue((definition.Namespace, definition.Name), out var format) ? format(value) : null);

    private static string? CheckType(OptionDefinition definition, string value) => definition.Type switch
    {
        OptionType.Integer => CheckInteger(definition, value),
        OptionType.Boolean => TryParseBoolean(value, out _) ? null : $"'{value}' is not a boolean (true or false).",
        OptionType.Enum => CheckAllowed(definition.AllowedValues ?? [], value),
        OptionType.List => definition.AllowedValues is { } allowed
            ? SplitList(value).Select(item => CheckAllowed(allowed, item)).FirstOrDefault(problem => problem is not null)
            : null,
        OptionType.Json => CheckJson(value),
        OptionType.String => null,
        _ => throw new NotSupportedException(definition.Type.ToString()),
    };

    public static bool TryParseBoolean(string value, out bool result) => bool.TryParse(value, out result);

    private static string? CheckHostnames(string value)
    {
        foreach (var hostname in SplitList(value))
        {
            var labels = hostname.TrimEnd('.').Split('.');
            if (hostname.Length > 253 || labels.Any(label => label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-')
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
            {
                return $"'{hostname}' is not a host name (letters, digits and hyphens in dot-separated labels, no port).";
            }
        }

        return null;
    }

    public static IEnumerable<string> SplitList(string value) =>
        value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    private static string? CheckInteger(OptionDefinition definition, string value)
    {
        if (!long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            return $"'{value}' is not an integer.";
        }

        if (number < definition.Min)
        {
            return $"'{value}' is below the minimum {definition.Min}.";
        }

        return number > definition.Max ? $"'{value}' is above the maximum {definition.Max}." : null;
    }

    private static string? CheckAllowed(IReadOnlyList<string> allowed, string value)
    {
        if (allowed.Contains(value, StringComparer.Ordinal))
        {
            return null;
        }

        var problem = $"'{value}' is not one of {string.Join(", ", allowed)}";
        return EditDistance.Suggest(value, allowed) is { } suggestion ? $"{problem} (did you mean {suggestion}?)." : problem + ".";
    }

    private static string? CheckJson(string value)
    {
        try
        {
            using var document = JsonDocument.Parse(value);
            return null;
        }
        catch (JsonException e)
        {
            return $"the value is not valid JSON: {e.Message}";
        }
    }

    private static string? CheckHealthCheckUrl(string value) =>
        HealthCheckUrl.TryParse(value, out _, out var problem) ? null : problem;

    private static string? CheckPath(string value) =>
        value.StartsWith('/') ? null : $"'{value}' is not a path; it must start with '/'.";

    private static string? CheckIsoDuration(string value, TimeSpan min, TimeSpan max)
    {
        TimeSpan duration;
        try
        {
            duration = XmlConvert.ToTimeSpan(value);
        }
        catch (Exception e) when (e is FormatException or OverflowException)
        {
            return $"'{value}' is not an ISO-8601 duration such as PT5M.";
        }

        return duration < min || duration > max
            ? $"'{value}' is outside {XmlConvert.ToString(min)}–{XmlConvert.ToString(max)}."
            : null;
    }

    private static string? CheckDecimal(string value, double min, double max) =>
        double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? null
            : $"'{value}' is not a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}.";

    private static string? CheckTimestamp(string value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out _)
            ? null
            : $"'{value}' is not an ISO-8601 time such as 2026-01-01T00:00:00Z.";

    private static string? CheckCron(string value) =>
        value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 5
            ? null
            : $"'{value}' is not a cron expression with five fields.";
}
