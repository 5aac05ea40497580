namespace Sprout.Core.Model;

/// <summary>Beanstalk's EnvironmentStatus. Mutating operations require <see cref="Ready"/>.</summary>
public enum EnvironmentStatus
{
    Launching,
    Updating,
    Ready,
    Terminating,
    Terminated,
    Aborting,
}
