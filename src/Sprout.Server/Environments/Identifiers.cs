using System.Security.Cryptography;

namespace Sprout.Server.Environments;

/// <summary>Beanstalk-shaped identifiers: <c>e-</c> + 10 lower-case alphanumerics, <c>i-</c> + 17 hex digits.</summary>
internal static class Identifiers
{
    private const string Alphanumeric = "abcdefghijklmnopqrstuvwxyz0123456789";

    public static string NewEnvironmentId() => "e-" + RandomNumberGenerator.GetString(Alphanumeric, 10);

    public static string NewInstanceId() => "i-" + RandomNumberGenerator.GetHexString(17, lowercase: true);
}
