namespace Sprout.Core.Model;

/// <summary>Beanstalk's environment Health colour. Grey until the environment has been judged.</summary>
public enum HealthColor
{
    Grey,
    Green,
    Yellow,
    Red,
}
