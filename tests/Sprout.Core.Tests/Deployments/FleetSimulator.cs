using Sprout.Core.Deployments;

namespace Sprout.Core.Tests.Deployments;

/// <summary>
/// A fake environment that applies steps the way the reconciler will: idempotently, and refusing what would hurt
/// users (stopping or redeploying an instance that is still in the router).
/// </summary>
internal sealed class FleetSimulator
{
    private readonly Dictionary<string, Member> _members = new(StringComparer.Ordinal);
    private readonly Dictionary<string, int> _weights = new(StringComparer.Ordinal) { [DeploymentGroups.Main] = 100 };

    public FleetSimulator(IEnumerable<InstanceSnapshot> instances)
    {
        foreach (var instance in instances)
        {
            _members[instance.Id] = new Member(instance.VersionLabel, instance.ConfigGeneration, DeploymentGroups.Main, instance.InService, Temporary: false);
        }
    }

    public int Count => _members.Count;

    /// <summary>Instances receiving traffic: in the router, in a group with a weight above zero.</summary>
    public int InService => _members.Values.Count(m => m.InRouter && _weights.GetValueOrDefault(m.Group) > 0);

    public IReadOnlyList<string> Versions => [.. _members.Values.Select(m => m.Version).Distinct().Order(StringComparer.Ordinal)];

    public IReadOnlyList<long> Configs => [.. _members.Values.Select(m => m.Config).Distinct().Order()];

    public IReadOnlyCollection<string> Ids => _members.Keys;

    public bool AnyTemporary => _members.Values.Any(m => m.Temporary);

    public IReadOnlyDictionary<string, int> Weights => _weights;

    public string VersionOf(string id) => _members[id].Version;

    public bool IsInRouter(string id) => _members.TryGetValue(id, out var m) && m.InRouter;

    public void ApplyAll(IEnumerable<DeploymentStep> steps)
    {
        foreach (var step in steps)
        {
            Apply(step);
        }
    }

    public void Apply(DeploymentStep step)
    {
        switch (step)
        {
            case LaunchInstancesStep launch:
                foreach (var r in launch.Refs.Where(r => !_members.ContainsKey(r)))
                {
                    _members[r] = new Member(launch.VersionLabel, launch.ConfigGeneration ?? 0, launch.Group, InRouter: false, launch.Temporary);
                }

                _weights.TryAdd(launch.Group, 0);
                break;
            case WaitHealthyStep wait:
                Require(wait.Refs.All(_members.ContainsKey), $"step {step.Index} waits for instances that do not exist");
                break;
            case RegisterStep register:
                Require(register.Refs.All(_members.ContainsKey), $"step {step.Index} registers instances that do not exist");
                foreach (var r in register.Refs)
                {
                    _members[r] = _members[r] with { InRouter = true, Group = register.Group };
                }

                _weights.TryAdd(register.Group, 0);
                break;
            case DeregisterStep deregister:
                foreach (var r in deregister.Refs.Where(_members.ContainsKey))
                {
                    _members[r] = _members[r] with { InRouter = false };
                }

                break;
            case DeployInPlaceStep deploy:
                foreach (var r in deploy.Refs)
                {
                    Require(!_members[r].InRouter, $"step {step.Index} redeploys {r} while it is in the router");
                    _members[r] = _members[r] with { Version = deploy.VersionLabel };
                }

                break;
            case TerminateInstancesStep terminate:
                foreach (var r in terminate.Refs.Where(_members.ContainsKey))
                {
                    Require(!_members[r].InRouter, $"step {step.Index} terminates {r} while it is in the router");
                    _members.Remove(r);
                }

                break;
            case ShiftTrafficStep shift:
                Require(shift.Weights.Sum(w => w.Weight) == 100, $"step {step.Index} weights do not add up to 100");
                foreach (var w in shift.Weights)
                {
                    _weights[w.Group] = w.Weight;
                }

                break;
            case PromoteStep promote:
                foreach (var r in promote.Refs.Where(_members.ContainsKey))
                {
                    _members[r] = _members[r] with { Group = promote.Group, Temporary = false };
                }

                _weights.Clear();
                _weights[promote.Group] = 100;
                break;
            case EvaluateStep or PauseStep:
                break;
            default:
                throw new InvalidOperationException(step.GetType().Name);
        }
    }

    /// <summary>The step as if the server died part way: only the first <paramref name="count"/> of its instances were acted on.</summary>
    public static DeploymentStep Partial(DeploymentStep step, int count) => step switch
    {
        LaunchInstancesStep s => s with { Refs = [.. s.Refs.Take(count)] },
        WaitHealthyStep s => s with { Refs = [.. s.Refs.Take(count)] },
        RegisterStep s => s with { Refs = [.. s.Refs.Take(count)] },
        DeregisterStep s => s with { Refs = [.. s.Refs.Take(count)] },
        DeployInPlaceStep s => s with { Refs = [.. s.Refs.Take(count)] },
        TerminateInstancesStep s => s with { Refs = [.. s.Refs.Take(count)] },
        PromoteStep s => s with { Refs = [.. s.Refs.Take(count)] },
        ShiftTrafficStep or EvaluateStep or PauseStep => count == 0 ? new PauseStep(step.Index, "nothing happened", TimeSpan.Zero) : step,
        _ => throw new InvalidOperationException(step.GetType().Name),
    };

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }

    private sealed record Member(string Version, long Config, string Group, bool InRouter, bool Temporary);
}
