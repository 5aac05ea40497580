using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Sprout.Core.Options;

/// <summary>
/// The namespaces and options Sprout knows. Names compare ordinally (case-sensitive), as Beanstalk does;
/// near misses get a "did you mean" suggestion instead of a silent match.
/// </summary>
public static class OptionCatalogue
{
    private static readonly FrozenDictionary<(string Namespace, string Name), OptionDefinition> ByKey;
    private static readonly FrozenDictionary<string, IReadOnlyList<OptionDefinition>> ByNamespace;

    // Real Beanstalk namespaces Sprout accepts without checking their options yet, so bundles written for AWS still load.
    private static readonly FrozenSet<string> PassThroughNamespaces = FrozenSet.Create(StringComparer.Ordinal,
    [
        "aws:autoscaling:launchconfiguration",
        "aws:ec2:instances",
        "aws:ec2:vpc",
        "aws:elasticbeanstalk:cloudwatch:logs:health",
        "aws:elasticbeanstalk:customoption",
        "aws:elasticbeanstalk:environment:proxy:staticfiles",
        "aws:elasticbeanstalk:hostmanager",
        "aws:elasticbeanstalk:managedactions",
        "aws:elasticbeanstalk:managedactions:platformupdate",
        "aws:elasticbeanstalk:monitoring",
        "aws:elasticbeanstalk:sns:topics",
        "aws:elasticbeanstalk:xray",
        "aws:elb:listener",
        "aws:elb:loadbalancer",
        "aws:elb:policies",
        "aws:elbv2:listener:default",
        "aws:elbv2:loadbalancer",
        "aws:rds:dbinstance",
    ]);

    // Namespaces whose last segment is a user-chosen name (listener port, rule name, policy name, platform container).
    private static readonly string[] PassThroughPrefixes =
    [
        "aws:elbv2:listener:",
        "aws:elbv2:listenerrule:",
        "aws:elb:listener:",
        "aws:elb:policies:",
        "aws:elasticbeanstalk:container:",
    ];

    static OptionCatalogue()
    {
        Definitions = OptionCatalogueEntries.Build();
        ByKey = Definitions.ToFrozenDictionary(d => (d.Namespace, d.Name));
        ByNamespace = Definitions
            .GroupBy(d => d.Namespace, StringComparer.Ordinal)
            .ToFrozenDictionary(g => g.Key, g => (IReadOnlyList<OptionDefinition>)g.ToList(), StringComparer.Ordinal);
        Namespaces = [.. ByNamespace.Keys.Append(OptionNamespaces.ApplicationEnvironment).Order(StringComparer.Ordinal)];
    }

    /// <summary>Every catalogued option, in catalogue order.</summary>
    public static IReadOnlyList<OptionDefinition> Definitions { get; }

    /// <summary>Namespaces with catalogued options, plus the free-form environment-properties namespace.</summary>
    public static IReadOnlyList<string> Namespaces { get; }

    /// <summary>Options of one namespace; <c>process:&lt;name&gt;</c> namespaces share the default process's options.</summary>
    public static IReadOnlyList<OptionDefinition> OptionsOf(string ns) =>
        ByNamespace.TryGetValue(CanonicalNamespace(ns), out var options) ? options : [];

    /// <summary>Finds a catalogued option. Free-form and pass-through namespaces have none.</summary>
    public static bool TryGet(string ns, string name, [NotNullWhen(true)] out OptionDefinition? definition)
    {
        ArgumentNullException.ThrowIfNull(ns);
        ArgumentNullException.ThrowIfNull(name);
        return ByKey.TryGetValue((CanonicalNamespace(ns), name), out definition);
    }

    /// <summary>The catalogue default, or null when there is none.</summary>
    public static string? DefaultValue(string ns, string name) =>
        TryGet(ns, name, out var definition) ? definition.DefaultValue : null;

    /// <summary>True for <c>aws:elasticbeanstalk:application:environment</c>, where any property name is an option.</summary>
    public static bool IsFreeForm(string ns) => ns == OptionNamespaces.ApplicationEnvironment;

    /// <summary>True for real Beanstalk namespaces Sprout accepts but does not check yet.</summary>
    public static bool IsPassThrough(string ns) =>
        PassThroughNamespaces.Contains(ns) ||
        PassThroughPrefixes.Any(prefix => ns.Length > prefix.Length && ns.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Catalogued, free-form or pass-through.</summary>
    public static bool IsKnownNamespace(string ns) =>
        ByNamespace.ContainsKey(CanonicalNamespace(ns)) || IsFreeForm(ns) || IsPassThrough(ns);

    /// <summary>Namespaces whose options only make sense per resource (scheduled actions), so they have no environment-wide defaults.</summary>
    public static bool RequiresResourceName(string ns) => ns == OptionNamespaces.ScheduledAction;

    /// <summary>A known namespace within two edits of <paramref name="ns"/>, if any.</summary>
    public static string? SuggestNamespace(string ns) =>
        EditDistance.Suggest(ns, Namespaces.Concat(PassThroughNamespaces));

    /// <summary>A catalogued option of <paramref name="ns"/> within two edits of <paramref name="name"/>, if any.</summary>
    public static string? SuggestOption(string ns, string name) =>
        EditDistance.Suggest(name, OptionsOf(ns).Select(d => d.Name));

    private static string CanonicalNamespace(string ns) =>
        ns.StartsWith(OptionNamespaces.ProcessPrefix, StringComparison.Ordinal) && ns.Length > OptionNamespaces.ProcessPrefix.Length
            ? OptionNamespaces.DefaultProcess
            : ns;
}
