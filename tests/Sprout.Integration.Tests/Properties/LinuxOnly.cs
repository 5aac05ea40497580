// Sprout runs apps as Linux process groups (setsid, /proc, signals); it targets Linux only.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
