namespace Sprout.Integration.Tests.Runtime;

/// <summary>A fact that needs root (switching users, chown); skipped, with the reason shown, otherwise.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root: the driver runs apps as the app user only when the server is root";
        }
    }
}
