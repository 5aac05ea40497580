namespace Sprout.Core.Deployments;

/// <summary><c>aws:elasticbeanstalk:command</c> <c>BatchSizeType</c>: whether <c>BatchSize</c> is a percentage of the instances or a count.</summary>
public enum BatchSizeType
{
    Percentage,
    Fixed,
}
