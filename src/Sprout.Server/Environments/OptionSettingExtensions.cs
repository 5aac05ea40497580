using Sprout.Core.Deployments;
using Sprout.Core.Model;

namespace Sprout.Server.Environments;

internal static class OptionSettingExtensions
{
    /// <summary>
    /// Only what the app process sees (its environment) or what an instance is launched with needs new or restarted
    /// instances; health, capacity and deployment options apply live (<see cref="ConfigurationChange"/>).
    /// </summary>
    public static bool RestartsInstances(this OptionSetting setting) => ConfigurationChange.AffectsInstances(setting.Namespace);
}
