using Sprout.Core.Model;

namespace Sprout.Cli.Commands;

/// <summary>Environment properties (what the app sees as environment variables) and the K=V syntax used to set them.</summary>
internal static class EnvironmentProperties
{
    public const string Namespace = "aws:elasticbeanstalk:application:environment";

    /// <summary>Parses K=V assignments; an empty value (K=) means "remove K", as in <c>eb setenv</c>.</summary>
    public static (IReadOnlyList<OptionSetting> Set, IReadOnlyList<OptionKey> Remove) ParseAssignments(IEnumerable<string> assignments, string optionNamespace = Namespace)
    {
        var set = new List<OptionSetting>();
        var remove = new List<OptionKey>();
        foreach (var assignment in assignments)
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"'{assignment}' is not NAME=VALUE (use NAME= to remove NAME).");
            }

            var name = assignment[..equals].Trim();
            var value = assignment[(equals + 1)..];
            if (name.Length == 0 || name.Any(char.IsWhiteSpace))
            {
                throw new UsageException($"'{name}' in '{assignment}' is not a valid name.");
            }

            if (value.Length == 0)
            {
                remove.Add(new OptionKey(optionNamespace, name));
            }
            else
            {
                set.Add(new OptionSetting(optionNamespace, name, value));
            }
        }

        return (set, remove);
    }

    /// <summary><c>--envvars K=V,K2=V2</c> of <c>sprout create</c>; empty values are not allowed there.</summary>
    public static IReadOnlyList<OptionSetting> ParseList(string? list)
    {
        if (string.IsNullOrWhiteSpace(list))
        {
            return [];
        }

        var (set, remove) = ParseAssignments(list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return remove.Count == 0
            ? set
            : throw new UsageException($"--envvars cannot remove properties ({string.Join(", ", remove.Select(r => r.OptionName))} has no value).");
    }
}
