using Sprout.Core.Model;
using Sprout.Core.Options;

namespace Sprout.Server.Environments;

internal static class OptionSettingExtensions
{
    /// <summary>Only what the app process sees (its environment) needs a restart; health, capacity and deployment options apply live.</summary>
    public static bool RestartsInstances(this OptionSetting setting) =>
        string.Equals(setting.Namespace, OptionNamespaces.ApplicationEnvironment, StringComparison.Ordinal);
}
