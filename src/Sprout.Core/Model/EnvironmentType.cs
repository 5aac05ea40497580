namespace Sprout.Core.Model;

/// <summary><c>aws:elasticbeanstalk:environment</c> <c>EnvironmentType</c>.</summary>
public enum EnvironmentType
{
    LoadBalanced,
    SingleInstance,
}
