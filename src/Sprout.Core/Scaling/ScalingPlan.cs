namespace Sprout.Core.Scaling;

/// <summary>The planner's answer: the state to persist (its DesiredCapacity is what to run) and the events that explain it, in order.</summary>
public sealed record ScalingPlan(ScalingState State, IReadOnlyList<ScalingDecision> Decisions)
{
    public int DesiredCapacity => State.DesiredCapacity;
}
