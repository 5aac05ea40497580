namespace Sprout.Core.Health.Enhanced;

/// <summary>An operation running on one instance, during which failing checks are not held against it.</summary>
public enum InstanceActivity
{
    None,

    /// <summary>Started and not yet in service for the first time ("Performing initialization").</summary>
    Launching,

    /// <summary>Receiving a new version or configuration ("Performing application deployment").</summary>
    Deploying,
}
