using Sprout.Core.Deployments;

namespace Sprout.Core.Tests.Deployments;

/// <summary>Fleets and requests the deployment tests share.</summary>
internal static class DeploymentScenarios
{
    public const string Old = "v1";
    public const string New = "v2";

    public static IReadOnlyList<InstanceSnapshot> Fleet(int count, string version = Old) =>
        [.. Enumerable.Range(1, count).Select(n => new InstanceSnapshot($"i-{n}", version, InService: true))];

    public static DeploymentRequest Request(DeploymentPolicy policy, int count, BatchSizeType type = BatchSizeType.Percentage, int batchSize = 100) =>
        new(New, Fleet(count), count)
        {
            Options = DeploymentPolicyOptions.Defaults with { Policy = policy, BatchSizeType = type, BatchSize = batchSize },
        };

    /// <summary>Every policy over fleets of 1–7 with percentage and fixed batches.</summary>
    public static TheoryData<DeploymentPolicy, int, BatchSizeType, int> Matrix()
    {
        var data = new TheoryData<DeploymentPolicy, int, BatchSizeType, int>();
        foreach (var policy in Enum.GetValues<DeploymentPolicy>())
        {
            foreach (var count in new[] { 1, 2, 3, 5, 7 })
            {
                data.Add(policy, count, BatchSizeType.Percentage, 30);
                data.Add(policy, count, BatchSizeType.Fixed, 2);
            }
        }

        return data;
    }

    public static DeploymentPlan Plan(DeploymentPolicy policy, int count, BatchSizeType type, int batchSize) =>
        DeploymentPlanner.Plan(Request(policy, count, type, batchSize));
}
