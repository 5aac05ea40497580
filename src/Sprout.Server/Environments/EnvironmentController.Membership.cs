using Sprout.Core.Deployments;
using Sprout.Core.Model;
using Sprout.Server.Routing;

namespace Sprout.Server.Environments;

/// <summary>
/// Router membership: which target group each instance is registered in (persisted on its row) and the groups'
/// weights. Outside a deployment every instance is in <see cref="DeploymentGroups.Main"/> at weight 100.
/// </summary>
internal sealed partial class EnvironmentController
{
    private static readonly IReadOnlyList<GroupWeight> MainOnly = [new(DeploymentGroups.Main, TargetGroup.FullWeight)];

    private IReadOnlyList<GroupWeight> _groupWeights = MainOnly;

    private void SetGroupWeights(IReadOnlyList<GroupWeight> weights)
    {
        lock (_routesGate)
        {
            _groupWeights = weights;
        }
    }

    /// <summary>Puts an instance in the router, in <paramref name="group"/>; it gets traffic once (or while) it passes health checks.</summary>
    private async Task RegisterAsync(InstanceRuntime instance, string group, CancellationToken cancellationToken)
    {
        await _services.Store.SetInstanceGroupAsync(instance.Id, group, cancellationToken);
        instance.Row.TargetGroup = group;
        instance.Reregister();
    }

    /// <summary>Takes an instance out of the router (publish afterwards); its in-flight requests finish on their own.</summary>
    private async Task DeregisterAsync(InstanceRuntime instance, CancellationToken cancellationToken)
    {
        instance.Row.TargetGroup = null;
        instance.Deregister();
        await _services.Store.SetInstanceGroupAsync(instance.Id, null, cancellationToken);
    }

    /// <summary>
    /// Today's convergence (launch, scale, configure) serves every healthy instance in one group: whatever a failed
    /// deployment left unregistered joins it again.
    /// </summary>
    private async Task RegisterAllInMainAsync(CancellationToken cancellationToken)
    {
        SetGroupWeights(MainOnly);
        foreach (var instance in Instances.Where(i => i.Row.TargetGroup != DeploymentGroups.Main && i.State != InstanceState.Terminated))
        {
            await RegisterAsync(instance, DeploymentGroups.Main, cancellationToken);
        }

        PublishRoutes();
    }
}
