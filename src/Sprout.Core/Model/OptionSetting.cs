namespace Sprout.Core.Model;

/// <summary>One Beanstalk option: <c>namespace</c> / <c>option</c> / <c>value</c>, optionally scoped to a resource (scheduled actions).</summary>
public sealed record OptionSetting(string Namespace, string OptionName, string Value, string? ResourceName = null)
{
    public OptionKey Key => new(Namespace, OptionName, ResourceName);
}

/// <summary>Identifies an option regardless of its value. Namespaces and names compare ordinally, as Beanstalk does.</summary>
public readonly record struct OptionKey(string Namespace, string OptionName, string? ResourceName = null)
{
    public override string ToString() => ResourceName is null ? $"{Namespace}:{OptionName}" : $"{ResourceName}.{Namespace}:{OptionName}";
}
