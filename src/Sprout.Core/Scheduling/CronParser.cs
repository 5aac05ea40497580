using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Sprout.Core.Scheduling;

/// <summary>Parses the five whitespace-separated fields (or an @macro) of a Unix cron expression.</summary>
internal static class CronParser
{
    private static readonly char[] FieldSeparators = [' ', '\t'];

    private static readonly Dictionary<string, string> Macros = new(StringComparer.OrdinalIgnoreCase)
    {
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
        ["@monthly"] = "0 0 1 * *",
        ["@weekly"] = "0 0 * * 0",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@hourly"] = "0 * * * *",
    };

    public static bool TryParse(string text, out CronField[] fields, [NotNullWhen(false)] out string? error)
    {
        fields = [];
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            error = "cron expression is empty; expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily";
            return false;
        }

        var source = trimmed;
        if (trimmed.StartsWith('@'))
        {
            if (!Macros.TryGetValue(trimmed, out var expanded))
            {
                error = $"cron macro '{trimmed}' is not recognised; expected one of @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly";
                return false;
            }

            source = expanded;
        }

        var parts = source.Split(FieldSeparators, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != CronFieldSpec.All.Count)
        {
            error = $"cron expression '{text}' has {parts.Length} field{(parts.Length == 1 ? "" : "s")}; expected 5 (minute hour day-of-month month day-of-week)";
            return false;
        }

        var parsed = new CronField[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryParseField(CronFieldSpec.All[i], parts[i], text, out parsed[i], out error))
            {
                return false;
            }
        }

        fields = parsed;
        error = null;
        return true;
    }

    private static bool TryParseField(CronFieldSpec spec, string fieldText, string expression, out CronField field, [NotNullWhen(false)] out string? error)
    {
        field = default;
        ulong allowed = 0;
        foreach (var item in fieldText.Split(','))
        {
            if (!TryParseItem(spec, item, expression, ref allowed, out error))
            {
                return false;
            }
        }

        if (ReferenceEquals(spec, CronFieldSpec.DayOfWeek) && (allowed & (1UL << 7)) != 0)
        {
            allowed = (allowed & ~(1UL << 7)) | 1UL;
        }

        // Vixie cron decides the day-of-month/day-of-week OR rule on whether the field starts with '*',
        // so "*/2" counts as unrestricted there too.
        field = new CronField(allowed, fieldText.StartsWith('*'));
        error = null;
        return true;
    }

    private static bool TryParseItem(CronFieldSpec spec, string item, string expression, ref ulong allowed, [NotNullWhen(false)] out string? error)
    {
        if (item.Length == 0)
        {
            error = $"cron field '{spec.Name}' has an empty list item in '{expression}'";
            return false;
        }

        var slash = item.IndexOf('/', StringComparison.Ordinal);
        var rangeText = slash < 0 ? item : item[..slash];
        var step = 1;
        if (slash >= 0)
        {
            var stepText = item[(slash + 1)..];
            if (!TryParseNumber(stepText, out step) || step < 1)
            {
                error = $"cron field '{spec.Name}' step '{stepText}' must be a whole number of at least 1 in '{expression}'";
                return false;
            }
        }

        int start;
        int end;
        if (rangeText == "*")
        {
            start = spec.Min;
            end = spec.Max;
        }
        else
        {
            var dash = rangeText.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0)
            {
                if (!TryParseValue(spec, rangeText, expression, out start, out error))
                {
                    return false;
                }

                // "a/n" means every n-th value from a to the end of the field's range.
                end = slash >= 0 ? spec.Max : start;
            }
            else
            {
                if (!TryParseValue(spec, rangeText[..dash], expression, out start, out error)
                    || !TryParseValue(spec, rangeText[(dash + 1)..], expression, out end, out error))
                {
                    return false;
                }

                if (start > end)
                {
                    error = $"cron field '{spec.Name}' range {rangeText} is reversed (its start is after its end) in '{expression}'";
                    return false;
                }
            }
        }

        // long so that a huge step cannot wrap around past int.MaxValue.
        for (long value = start; value <= end; value += step)
        {
            allowed |= 1UL << (int)value;
        }

        error = null;
        return true;
    }

    private static bool TryParseValue(CronFieldSpec spec, string token, string expression, out int value, [NotNullWhen(false)] out string? error)
    {
        if (TryParseNumber(token, out value))
        {
            if (value < spec.Min || value > spec.Max)
            {
                error = $"cron field '{spec.Name}' value {value} is out of range {spec.Min}-{spec.Max} in '{expression}'";
                return false;
            }

            error = null;
            return true;
        }

        if (spec.TryParseName(token, out value))
        {
            error = null;
            return true;
        }

        if (token.Length > 0 && token.All(char.IsAsciiDigit))
        {
            error = $"cron field '{spec.Name}' value {token} is out of range {spec.Min}-{spec.Max} in '{expression}'";
            return false;
        }

        var expected = spec.Names is null ? "a number" : $"a number or a name ({spec.Names[0]}-{spec.Names[^1]})";
        error = token.Length == 0
            ? $"cron field '{spec.Name}' has a missing value in '{expression}'"
            : $"cron field '{spec.Name}' value '{token}' is not {expected} in '{expression}'";
        return false;
    }

    private static bool TryParseNumber(string token, out int value) =>
        int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
