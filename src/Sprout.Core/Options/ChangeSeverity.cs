namespace Sprout.Core.Options;

/// <summary>What changing an option does to a running environment (Beanstalk's DescribeConfigurationOptions <c>ChangeSeverity</c>).</summary>
public enum ChangeSeverity
{
    NoInterruption,
    RestartApplicationServer,
    RestartEnvironment,
}
