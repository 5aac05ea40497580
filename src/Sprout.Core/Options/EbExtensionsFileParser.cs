using System.Text.RegularExpressions;
using Sprout.Core.Model;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Sprout.Core.Options;

/// <summary>Parses one <c>.config</c> file. JSON is read as YAML (it is a subset of YAML flow style).</summary>
internal static partial class EbExtensionsFileParser
{
    public const string OptionSettingsKey = "option_settings";
    public const int MaxNesting = 64;

    private static readonly string[] KnownKeys =
    [
        "packages", "groups", "users", "sources", "files", "commands", "services", "container_commands",
        OptionSettingsKey, "Resources", "Parameters", "Outputs", "Mappings", "Conditions",
    ];

    private static readonly string[] TrueForms = ["true", "True", "TRUE"];
    private static readonly string[] FalseForms = ["false", "False", "FALSE"];
    private static readonly string[] NullForms = ["", "~", "null", "Null", "NULL"];

    public static ConfigFileOutcome Parse(string fileName, string content)
    {
        var stream = new YamlStream();
        try
        {
            if (FindExcessiveNesting(content) is { } tooDeep)
            {
                return Failed(tooDeep.Line, $"the file nests collections more than {MaxNesting} levels deep.");
            }

            stream.Load(new StringReader(content));
        }
        catch (YamlException e)
        {
            return Failed(e.Start.Line, LocationPrefix().Replace(e.InnerException?.Message ?? e.Message, "") is var message && message.EndsWith('.') ? message : message + ".");
        }

        if (stream.Documents.Count == 0)
        {
            return new ConfigFileOutcome([], []);
        }

        if (stream.Documents.Count > 1)
        {
            return Failed(stream.Documents[1].RootNode.Start.Line, "a config file must hold a single YAML document.");
        }

        var root = stream.Documents[0].RootNode;
        if (root is YamlScalarNode { Style: ScalarStyle.Plain } emptyRoot && NullForms.Contains(emptyRoot.Value))
        {
            return new ConfigFileOutcome([], []);
        }

        if (root is not YamlMappingNode top)
        {
            return Failed(root.Start.Line, "the top level must be a mapping of keys such as option_settings.");
        }

        foreach (var key in top.Children.Keys)
        {
            var name = ScalarText(key);
            if (!KnownKeys.Contains(name, StringComparer.Ordinal))
            {
                var suggestion = EditDistance.Suggest(name, KnownKeys);
                return Failed(key.Start.Line, suggestion is null
                    ? $"unknown top-level key '{name}'."
                    : $"unknown top-level key '{name}' (did you mean {suggestion}?).");
            }
        }

        var settings = new List<OptionSetting>();
        var sections = new List<EbExtensionsSection>();
        var copier = new PlainCopier();
        foreach (var (key, value) in top.Children)
        {
            var name = ScalarText(key);
            if (name != OptionSettingsKey)
            {
                if (!copier.TryCopy(value, 0, out var plain))
                {
                    return Failed(key.Start.Line, $"section '{name}' nests too deeply or expands aliases too far.");
                }

                sections.Add(new EbExtensionsSection(fileName, name, plain));
                continue;
            }

            if (ReadOptionSettings(value, settings) is { } problem)
            {
                return new ConfigFileOutcome([], [], problem);
            }
        }

        return new ConfigFileOutcome(settings, sections);
    }

    private static ConfigFileProblem? ReadOptionSettings(YamlNode node, List<OptionSetting> settings) => node switch
    {
        YamlSequenceNode longForm => ReadLongForm(longForm, settings),
        YamlMappingNode shortForm => ReadShortForm(shortForm, settings),
        YamlScalarNode scalar when IsNull(scalar) => null,
        _ => new ConfigFileProblem(node.Start.Line, "option_settings must be a list of {namespace, option_name, value} or a mapping of namespaces."),
    };

    // - namespace: aws:autoscaling:asg      (omitted → environment properties)
    //   option_name: MinSize
    //   value: 2
    //   resource_name: ScaleUp              (scheduled actions)
    private static ConfigFileProblem? ReadLongForm(YamlSequenceNode list, List<OptionSetting> settings)
    {
        foreach (var item in list.Children)
        {
            if (item is not YamlMappingNode entry)
            {
                return new ConfigFileProblem(item.Start.Line, "each option_settings entry must be a mapping with option_name and value.");
            }

            string? ns = null, optionName = null, value = null, resourceName = null;
            foreach (var (key, child) in entry.Children)
            {
                var field = ScalarText(key);
                if (field is not ("namespace" or "option_name" or "value" or "resource_name"))
                {
                    return new ConfigFileProblem(key.Start.Line, $"unknown option_settings field '{field}'; expected namespace, option_name, value or resource_name.");
                }

                if (!TryValue(child, out var text))
                {
                    return new ConfigFileProblem(child.Start.Line, $"the {field} must be a single value.");
                }

                switch (field)
                {
                    case "namespace": ns = text; break;
                    case "option_name": optionName = text; break;
                    case "value": value = text; break;
                    default: resourceName = text; break;
                }
            }

            if (string.IsNullOrEmpty(optionName))
            {
                return new ConfigFileProblem(entry.Start.Line, "an option_settings entry has no option_name.");
            }

            settings.Add(new OptionSetting(
                string.IsNullOrEmpty(ns) ? OptionNamespaces.ApplicationEnvironment : ns,
                optionName,
                value ?? "",
                string.IsNullOrEmpty(resourceName) ? null : resourceName));
        }

        return null;
    }

    // aws:autoscaling:asg:
    //   MinSize: 2
    // ScaleUp.aws:autoscaling:scheduledaction:
    //   MinSize: 4
    private static ConfigFileProblem? ReadShortForm(YamlMappingNode namespaces, List<OptionSetting> settings)
    {
        foreach (var (key, options) in namespaces.Children)
        {
            var (resourceName, ns) = SplitResource(ScalarText(key));
            if (options is YamlScalarNode empty && IsNull(empty))
            {
                continue;
            }

            if (options is not YamlMappingNode map)
            {
                return new ConfigFileProblem(options.Start.Line, $"namespace {ns} must map option names to values.");
            }

            foreach (var (option, child) in map.Children)
            {
                var optionName = ScalarText(option);
                if (!TryValue(child, out var value))
                {
                    return new ConfigFileProblem(child.Start.Line, $"the value of {ns} {optionName} must be a single value.");
                }

                settings.Add(new OptionSetting(ns, optionName, value ?? "", resourceName));
            }
        }

        return null;
    }

    private static (string? ResourceName, string Namespace) SplitResource(string key)
    {
        var dot = key.IndexOf(".aws:", StringComparison.Ordinal);
        return dot > 0 ? (key[..dot], key[(dot + 1)..]) : (null, key);
    }

    // Scalars keep their text as written, except YAML booleans, which Beanstalk sees as true/false.
    // A list of scalars is accepted as Beanstalk's comma list.
    private static bool TryValue(YamlNode node, out string? value)
    {
        switch (node)
        {
            case YamlScalarNode scalar:
                value = ScalarValue(scalar);
                return true;
            case YamlSequenceNode sequence when sequence.Children.All(c => c is YamlScalarNode):
                value = string.Join(",", sequence.Children.Cast<YamlScalarNode>().Select(ScalarValue));
                return true;
            default:
                value = null;
                return false;
        }
    }

    private static string? ScalarValue(YamlScalarNode scalar)
    {
        if (scalar.Style != ScalarStyle.Plain)
        {
            return scalar.Value ?? "";
        }

        var text = scalar.Value ?? "";
        return TrueForms.Contains(text) ? "true"
            : FalseForms.Contains(text) ? "false"
            : NullForms.Contains(text) ? null
            : text;
    }

    private static bool IsNull(YamlScalarNode scalar) => scalar.Style == ScalarStyle.Plain && NullForms.Contains(scalar.Value ?? "");

    private static string ScalarText(YamlNode node) => node is YamlScalarNode scalar ? scalar.Value ?? "" : node.ToString();

    // Aliases share nodes, so a hostile file can describe a cycle or an exponential tree; a budget keeps the copy finite.
    private sealed class PlainCopier
    {
        private const int MaxDepth = MaxNesting;
        private int _remainingNodes = 100_000;

        public bool TryCopy(YamlNode node, int depth, out object? value)
        {
            value = null;
            if (depth > MaxDepth || --_remainingNodes < 0)
            {
                return false;
            }

            switch (node)
            {
                case YamlScalarNode scalar:
                    value = IsNull(scalar) ? null : scalar.Value;
                    return true;
                case YamlSequenceNode sequence:
                    var items = new List<object?>(sequence.Children.Count);
                    foreach (var child in sequence.Children)
                    {
                        if (!TryCopy(child, depth + 1, out var item))
                        {
                            return false;
                        }

                        items.Add(item);
                    }

                    value = items;
                    return true;
                case YamlMappingNode mapping:
                    var entries = new Dictionary<string, object?>(StringComparer.Ordinal);
                    foreach (var (key, child) in mapping.Children)
                    {
                        if (!TryCopy(child, depth + 1, out var entry))
                        {
                            return false;
                        }

                        entries[ScalarText(key)] = entry;
                    }

                    value = entries;
                    return true;
                default:
                    return true;
            }
        }
    }

    // YamlDotNet builds its node tree recursively, so "[[[[…" thousands deep overflows the stack and kills the process.
    // Its event parser is iterative: measure the depth with it before building the tree.
    private static Mark? FindExcessiveNesting(string content)
    {
        var parser = new Parser(new StringReader(content));
        var depth = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case SequenceStart or MappingStart when ++depth > MaxNesting:
                    return parser.Current.Start;
                case SequenceEnd or MappingEnd:
                    depth--;
                    break;
            }
        }

        return null;
    }

    private static ConfigFileOutcome Failed(long line, string message) => new([], [], new ConfigFileProblem(line, message));

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex LocationPrefix();
}
