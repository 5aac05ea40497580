using System.Text.RegularExpressions;

namespace Sprout.Core.Names;

/// <summary>Beanstalk's naming rules, so a name valid here is valid on AWS and the reverse.</summary>
public static partial class ResourceNames
{
    /// <summary>Application names: 1–100 characters; Sprout also forbids '/' and control characters because names appear in URLs and paths.</summary>
    public static string? ValidateApplicationName(string? name) =>
        ValidateLabelLike(name, "application name");

    /// <summary>Version labels: 1–100 characters, unique per application.</summary>
    public static string? ValidateVersionLabel(string? label) =>
        ValidateLabelLike(label, "version label");

    /// <summary>Environment names: 4–40 letters, digits and hyphens, not starting or ending with a hyphen.</summary>
    public static string? ValidateEnvironmentName(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "The environment name is required.";
        }

        if (name.Length is < 4 or > 40)
        {
            return $"Environment name '{name}' must be 4 to 40 characters long.";
        }

        return EnvironmentNamePattern().IsMatch(name)
            ? null
            : $"Environment name '{name}' may contain only letters, digits and hyphens, and must not start or end with a hyphen.";
    }

    /// <summary>CNAME prefixes: 4–63 characters of a DNS label (letters, digits, hyphens).</summary>
    public static string? ValidateCnamePrefix(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return "The CNAME prefix is required.";
        }

        if (prefix.Length is < 4 or > 63)
        {
            return $"CNAME prefix '{prefix}' must be 4 to 63 characters long.";
        }

        return EnvironmentNamePattern().IsMatch(prefix)
            ? null
            : $"CNAME prefix '{prefix}' may contain only letters, digits and hyphens, and must not start or end with a hyphen.";
    }

    private static string? ValidateLabelLike(string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return $"The {what} is required.";
        }

        if (value.Length > 100)
        {
            return $"The {what} '{value[..20]}…' is longer than 100 characters.";
        }

        if (value.Any(c => char.IsControl(c) || c is '/' or '\\') || value.Trim() != value || value is "." or "..")
        {
            return $"The {what} '{value}' contains a character that is not allowed ('/', '\\', control characters, or leading/trailing spaces).";
        }

        return null;
    }

    [GeneratedRegex("^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$")]
    private static partial Regex EnvironmentNamePattern();
}
