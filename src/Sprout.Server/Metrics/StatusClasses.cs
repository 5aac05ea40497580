namespace Sprout.Server.Metrics;

/// <summary>Status codes grouped the way Beanstalk reports them: index 1..5 for 1xx..5xx, 0 for anything else.</summary>
internal static class StatusClasses
{
    public const int Count = 6;

    public const int Other = 0;

    private static readonly string[] Labels = ["other", "1xx", "2xx", "3xx", "4xx", "5xx"];

    public static int IndexOf(int statusCode) => statusCode is >= 100 and <= 599 ? statusCode / 100 : Other;

    public static string Label(int index) => Labels[index];
}
