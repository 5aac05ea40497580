namespace Sprout.Core.Deployments;

/// <summary>
/// A plan names instances it has not launched yet by placeholder references (<c>launch:&lt;group&gt;:&lt;n&gt;</c>);
/// the reconciler records which instance id each one became (<see cref="DeploymentState.LaunchedInstances"/>).
/// Existing instances are named by their ids.
/// </summary>
public static class InstanceRefs
{
    private const string LaunchPrefix = "launch:";

    public static string Launched(string purpose, int number) => $"{LaunchPrefix}{purpose}:{number}";

    public static bool IsLaunched(string reference) => reference.StartsWith(LaunchPrefix, StringComparison.Ordinal);

    /// <summary>For event texts: ids as they are, placeholders counted ("i-1, i-2" or "2 new instance(s)").</summary>
    public static string Describe(IReadOnlyList<string> references)
    {
        var existing = references.Where(r => !IsLaunched(r)).ToList();
        var launched = references.Count - existing.Count;
        var parts = new List<string>();
        if (existing.Count > 0)
        {
            parts.Add(string.Join(", ", existing));
        }

        if (launched > 0)
        {
            parts.Add($"{launched} new instance(s)");
        }

        return parts.Count == 0 ? "no instances" : string.Join(" and ", parts);
    }
}
