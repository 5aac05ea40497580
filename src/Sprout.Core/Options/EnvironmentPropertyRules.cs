using System.Text;
using System.Text.RegularExpressions;

namespace Sprout.Core.Options;

/// <summary>Beanstalk's limits on environment properties (<c>aws:elasticbeanstalk:application:environment</c>).</summary>
public static partial class EnvironmentPropertyRules
{
    public const int MaxKeyLength = 128;
    public const int MaxValueLength = 256;

    /// <summary>All <c>key=value</c> strings together, in UTF-8 bytes.</summary>
    public const int MaxTotalBytes = 4096;

    /// <summary>Null when the key is acceptable, else the problem (without the option name).</summary>
    public static string? CheckKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            return "an environment property name must not be empty.";
        }

        if (key.Length > MaxKeyLength)
        {
            return $"the property name is {key.Length} characters long; the limit is {MaxKeyLength}.";
        }

        return KeyPattern().IsMatch(key)
            ? null
            : "the property name may contain only letters, digits and _ . : / + \\ - @.";
    }

    /// <summary>Null when the value is acceptable, else the problem (without the option name).</summary>
    public static string? CheckValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Length > MaxValueLength
            ? $"the value is {value.Length} characters long; the limit is {MaxValueLength}."
            : null;
    }

    /// <summary>Bytes one property counts against <see cref="MaxTotalBytes"/>.</summary>
    public static int ByteCount(string key, string value) =>
        Encoding.UTF8.GetByteCount(key) + 1 + Encoding.UTF8.GetByteCount(value);

    [GeneratedRegex(@"^[A-Za-z0-9_.:/+\\\-@]+$", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
