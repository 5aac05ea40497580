namespace Sprout.Core.Model;

/// <summary>Beanstalk's event severities, lowest first.</summary>
public enum EventSeverity
{
    TRACE,
    DEBUG,
    INFO,
    WARN,
    ERROR,
    FATAL,
}
