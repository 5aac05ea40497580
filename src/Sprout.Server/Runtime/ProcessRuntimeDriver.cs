using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Sprout.Server.Runtime;

/// <summary>
/// Runs instances as local processes (Linux). Each instance gets
/// <c>&lt;InstancesDirectory&gt;/&lt;instanceId&gt;/</c> with <c>app/</c> (a hard-link copy of the slug whose
/// directories belong to the app user, so the app can add files but not change the shared slug)
/// and <c>logs/</c>. The process is started through <c>setsid</c>, so it leads its own session and
/// process group, and its shell opens its log files: it outlives this object and the server.
/// </summary>
public sealed class ProcessRuntimeDriver : IRuntimeDriver, IDisposable
{
    private const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static readonly TimeSpan StopPollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan AdoptedExitPollInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SessionWait = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan SessionPollInterval = TimeSpan.FromMilliseconds(2);

    private readonly ProcessRuntimeOptions _options;
    private readonly string _instancesDirectory;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string InstanceId, int Pid), ChildProcess> _children = new();
    private readonly SemaphoreSlim _accountLock = new(1, 1);
    private AppUserAccount? _account;
    private bool _accountResolved;
    private bool _disposed;

    public ProcessRuntimeDriver(ProcessRuntimeOptions options, ILogger<ProcessRuntimeDriver>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.InstancesDirectory);
        _options = options;
        _instancesDirectory = Path.GetFullPath(options.InstancesDirectory);
        _logger = logger ?? NullLogger<ProcessRuntimeDriver>.Instance;
    }

    /// <summary>True when apps run as <see cref="ProcessRuntimeOptions.AppUser"/> (the server is root and an app user is set).</summary>
    public bool RunsAsAppUser => NativeMethods.geteuid() == 0 && !string.IsNullOrWhiteSpace(_options.AppUser);

    public async Task<InstanceHandle> StartAsync(InstanceLaunchSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ValidateInstanceId(spec.InstanceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(spec.StartCommand, nameof(spec));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(spec.Port, nameof(spec));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(spec.Port, 65535, nameof(spec));
        if (!Directory.Exists(spec.SlugDirectory))
        {
            throw new DirectoryNotFoundException($"Slug directory '{spec.SlugDirectory}' of instance {spec.InstanceId} does not exist; rebuild the version.");
        }

        var account = await GetAccountAsync(cancellationToken);
        PrepareInstancesDirectory(account);
        var instanceDirectory = Path.Combine(_instancesDirectory, spec.InstanceId);
        await PrepareInstanceDirectoryAsync(instanceDirectory, spec.SlugDirectory, account, cancellationToken);

        var appDirectory = InstanceDirectoryLayout.AppDirectory(instanceDirectory);
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        FillEnvironment(environment, spec, instanceDirectory);
        var command = NpmStartShortcut.Resolve(spec.StartCommand, appDirectory, environment);
        var script = InstanceShellScript.Build(
            command,
            InstanceDirectoryLayout.LogFile(instanceDirectory, InstanceDirectoryLayout.StdoutStream),
            InstanceDirectoryLayout.LogFile(instanceDirectory, InstanceDirectoryLayout.StderrStream));
        var startInfo = new ProcessStartInfo("/usr/bin/setsid", ["/bin/sh", "-c", script])
        {
            UseShellExecute = false,
            WorkingDirectory = appDirectory,
        };
        if (account is not null)
        {
            // .NET on Unix switches to this user's uid, gid and supplementary groups between fork and exec.
            startInfo.UserName = account.Name;
        }

        startInfo.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        InheritedDescriptors.MarkCloseOnExec();

        // Nothing below observes cancellation: once the process exists, the caller must get its handle.
        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start instance {spec.InstanceId}.");
        var pid = process.Id;
        var child = new ChildProcess(process);
        foreach (var (key, previous) in _children)
        {
            if (key.InstanceId == spec.InstanceId && previous.Exit.IsCompleted && _children.TryRemove(key, out _))
            {
                previous.Dispose();
            }
        }

        _children[(spec.InstanceId, pid)] = child;

        // Null when the process already exited and was reaped; 0 never matches a live process.
        var stat = await WaitForOwnSessionAsync(pid, child.Exit);
        var handle = new InstanceHandle(spec.InstanceId, pid, stat?.StartTime ?? 0, spec.Port, instanceDirectory);
        InstanceHandleRecord.Write(_instancesDirectory, handle);
        _logger.LogInformation("Started instance {InstanceId} as pid {Pid} on port {Port}{AsUser}: {Command}", spec.InstanceId, pid, spec.Port, account is null ? "" : " as " + account.Name, command);
        return handle;
    }

    /// <summary>Stops with the configured <see cref="ProcessRuntimeOptions.StopGrace"/>.</summary>
    public Task StopAsync(InstanceHandle handle, CancellationToken cancellationToken) =>
        StopAsync(handle, _options.StopGrace, cancellationToken);

    public async Task StopAsync(InstanceHandle handle, TimeSpan grace, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (ResolveProcessGroup(handle) is not { } group)
        {
            return;
        }

        Signal(group, NativeMethods.SIGTERM);
        if (await WaitForGroupExitAsync(group, grace, cancellationToken))
        {
            _logger.LogInformation("Instance {InstanceId} (pid {Pid}) stopped after SIGTERM", handle.InstanceId, handle.Pid);
            return;
        }

        Signal(group, NativeMethods.SIGKILL);
        if (!await WaitForGroupExitAsync(group, KillWait, cancellationToken))
        {
            throw new InvalidOperationException($"Instance {handle.InstanceId}: process group {group} survived SIGKILL (a process stuck in the kernel?).");
        }

        _logger.LogWarning("Instance {InstanceId} (pid {Pid}) ignored SIGTERM for {Grace} and was killed", handle.InstanceId, handle.Pid, grace);
    }

    public InstanceHandle? FindRecordedHandle(string instanceId)
    {
        ValidateInstanceId(instanceId);
        var recorded = InstanceHandleRecord.Read(_instancesDirectory, instanceId);
        if (recorded is not null && IsAlive(recorded))
        {
            return recorded;
        }

        // Killed between starting a process and noting it: the process is running, unrecorded.
        var instanceDirectory = Path.Combine(_instancesDirectory, instanceId);
        if (InstanceProcessScan.FindSessionLeader(instanceDirectory) is not var (leader, port))
        {
            return recorded;
        }

        var found = new InstanceHandle(instanceId, leader.Pid, leader.StartTime, port, instanceDirectory);
        InstanceHandleRecord.Write(_instancesDirectory, found);
        _logger.LogWarning("Found instance {InstanceId} running as pid {Pid} without a handle note; adopting it", instanceId, leader.Pid);
        return found;
    }

    public bool IsAlive(InstanceHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return ProcStat.TryRead(handle.Pid) is { } stat && stat.StartTime == handle.ProcessStartTime && !stat.IsZombie;
    }

    /// <summary>After a server restart: true when the recorded process is still the one running, so it can be supervised again.</summary>
    public bool TryAdopt(InstanceHandle handle)
    {
        ArgumentNullException.ThrowIfNull(handle);
        var alive = IsAlive(handle);
        if (alive)
        {
            _logger.LogInformation("Adopted instance {InstanceId} (pid {Pid})", handle.InstanceId, handle.Pid);
        }
        else
        {
            _logger.LogInformation("Instance {InstanceId} (pid {Pid}) is no longer running", handle.InstanceId, handle.Pid);
        }

        return alive;
    }

    public async Task<InstanceExit> WaitForExitAsync(InstanceHandle handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (_children.TryGetValue((handle.InstanceId, handle.Pid), out var child))
        {
            return await child.Exit.WaitAsync(cancellationToken);
        }

        // Not our child (adopted after a restart): the kernel tells only its parent how it ended.
        while (IsAlive(handle))
        {
            await Task.Delay(AdoptedExitPollInterval, cancellationToken);
        }

        return new InstanceExit(null, null);
    }

    public Task CleanupAsync(InstanceHandle handle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (IsAlive(handle))
        {
            throw new InvalidOperationException($"Instance {handle.InstanceId} (pid {handle.Pid}) is still running; stop it before cleaning up its directory.");
        }

        var directory = Path.GetFullPath(handle.InstanceDirectory);

        // The handle comes from the store; never let a damaged record delete outside the instances directory.
        if (!directory.StartsWith(_instancesDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            || Path.GetFileName(directory) != handle.InstanceId)
        {
            throw new InvalidOperationException($"Refusing to delete '{directory}': it is not instance {handle.InstanceId}'s directory under '{_instancesDirectory}'.");
        }

        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }

        InstanceHandleRecord.Delete(_instancesDirectory, handle.InstanceId);

        foreach (var key in _children.Keys.Where(key => key.InstanceId == handle.InstanceId))
        {
            if (_children.TryRemove(key, out var child))
            {
                child.Dispose();
            }
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> ReadLogAsync(InstanceHandle handle, string stream, int? maxLines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(handle);
        return InstanceLogReader.ReadAsync(handle.InstanceDirectory, stream, maxLines, cancellationToken);
    }

    /// <summary>Releases the process objects. The instances keep running; a new driver can adopt them.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var child in _children.Values)
        {
            child.Dispose();
        }

        _children.Clear();
        _accountLock.Dispose();
    }

    private static void ValidateInstanceId(string instanceId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(instanceId);
        if (instanceId is "." or ".." || instanceId.AsSpan().IndexOfAny("/\\\0") >= 0)
        {
            throw new ArgumentException($"Instance id '{instanceId}' is not a valid directory name.", nameof(instanceId));
        }
    }

    private async Task<AppUserAccount?> GetAccountAsync(CancellationToken cancellationToken)
    {
        if (!RunsAsAppUser)
        {
            return null;
        }

        await _accountLock.WaitAsync(cancellationToken);
        try
        {
            if (!_accountResolved)
            {
                _account = await AppUserAccount.EnsureAsync(_options.AppUser!, cancellationToken);
                _accountResolved = true;
            }

            return _account;
        }
        finally
        {
            _accountLock.Release();
        }
    }

    private void PrepareInstancesDirectory(AppUserAccount? account)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The process runtime driver runs on Linux only.");
        }

        Directory.CreateDirectory(_instancesDirectory);

        // Others may pass through to their own instance directory, but not list the instances.
        File.SetUnixFileMode(_instancesDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        if (account is null)
        {
            return;
        }

        for (var ancestor = Path.GetDirectoryName(_instancesDirectory); ancestor is not null; ancestor = Path.GetDirectoryName(ancestor))
        {
            if ((File.GetUnixFileMode(ancestor) & UnixFileMode.OtherExecute) == 0)
            {
                throw new InvalidOperationException(
                    $"App user '{account.Name}' cannot reach the instances directory: '{ancestor}' is not searchable by others. " +
                    $"Run 'chmod o+x {ancestor}' or choose an instances directory under a searchable path.");
            }
        }
    }

    private static async Task PrepareInstanceDirectoryAsync(string instanceDirectory, string slugDirectory, AppUserAccount? account, CancellationToken cancellationToken)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The process runtime driver runs on Linux only.");
        }

        Directory.CreateDirectory(instanceDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        File.SetUnixFileMode(instanceDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        ChangeOwner(instanceDirectory, account);

        var logs = InstanceDirectoryLayout.LogsDirectory(instanceDirectory);
        Directory.CreateDirectory(logs);
        ChangeOwner(logs, account);

        // A restart reuses the working copy (and whatever the app wrote there); a fresh one is built aside and renamed into place whole.
        var app = InstanceDirectoryLayout.AppDirectory(instanceDirectory);
        if (Directory.Exists(app))
        {
            return;
        }

        var partial = app + ".partial";
        if (Directory.Exists(partial))
        {
            Directory.Delete(partial, recursive: true);
        }

        Directory.CreateDirectory(partial);
        var source = Path.GetFullPath(slugDirectory) + "/.";
        var linked = await CommandRunner.RunAsync("cp", ["-al", source, partial + "/"], cancellationToken);
        if (!linked.Succeeded)
        {
            // Hard links cannot cross file systems; a full copy is slower but equivalent.
            var copied = await CommandRunner.RunAsync("cp", ["-a", source, partial + "/"], cancellationToken);
            if (!copied.Succeeded)
            {
                throw new IOException($"Could not copy slug '{slugDirectory}' to '{partial}': {copied.Error}");
            }
        }

        if (account is not null)
        {
            // Directories only: files stay root-owned links to the shared slug, read-only to the app.
            ChangeOwner(partial, account);
            var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = false };
            foreach (var directory in Directory.EnumerateDirectories(partial, "*", options))
            {
                ChangeOwner(directory, account);
            }
        }

        Directory.Move(partial, app);
    }

    private static void ChangeOwner(string path, AppUserAccount? account)
    {
        if (account is not null && NativeMethods.lchown(path, account.Uid, account.Gid) != 0)
        {
            throw new IOException($"chown {account.Name} '{path}' failed (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    private static void FillEnvironment(IDictionary<string, string?> environment, InstanceLaunchSpec spec, string instanceDirectory)
    {
        // Nothing of the server's own environment (credentials, DOTNET_ settings) leaks into apps.
        environment.Clear();
        var dotnetRoot = FindDotnetRoot();
        environment["PATH"] = dotnetRoot is null ? DefaultPath : DefaultPath + ":" + dotnetRoot;
        if (dotnetRoot is not null)
        {
            environment["DOTNET_ROOT"] = dotnetRoot;
        }

        environment["DOTNET_CLI_HOME"] = instanceDirectory;
        foreach (var (name, value) in spec.Environment)
        {
            environment[name] = value;
        }

        environment["HOME"] = instanceDirectory;
        environment["PORT"] = spec.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The directory holding the <c>dotnet</c> host that runs this server, so .NET apps find the same runtime.</summary>
    private static string? FindDotnetRoot()
    {
        // <root>/shared/Microsoft.NETCore.App/<version>/
        var runtimeDirectory = RuntimeEnvironment.GetRuntimeDirectory().TrimEnd('/');
        var root = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(runtimeDirectory)));
        if (root is not null && File.Exists(Path.Combine(root, "dotnet")))
        {
            return root;
        }

        var host = Environment.ProcessPath;
        return host is not null && Path.GetFileName(host) == "dotnet" ? Path.GetDirectoryName(host) : null;
    }

    /// <summary>
    /// Waits (briefly) until <c>setsid</c> has made the new process a session leader: until then it
    /// still sits in the server's process group, and a stop signalling its own group would miss it.
    /// </summary>
    private async Task<ProcStat?> WaitForOwnSessionAsync(int pid, Task exited)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(SessionWait.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var stat = ProcStat.TryRead(pid);
            if (stat is not { } s || s.Session == pid || s.IsZombie || exited.IsCompleted)
            {
                return stat;
            }

            if (Stopwatch.GetTimestamp() >= deadline)
            {
                _logger.LogWarning("Process {Pid} did not become a session leader within {Wait}; is /usr/bin/setsid the util-linux one?", pid, SessionWait);
                return stat;
            }

            await Task.Delay(SessionPollInterval, CancellationToken.None);
        }
    }

    /// <summary>The process group to signal, or null when nothing of the instance can still be running.</summary>
    private static int? ResolveProcessGroup(InstanceHandle handle)
    {
        // Never -0 or -1: those mean "our own group" and "every process".
        if (handle.Pid <= 1)
        {
            return null;
        }

        // setsid made the instance's pid its group id. A live process with that pid but another
        // start time means the pid was reused, which Linux does only once our group is empty.
        var stat = ProcStat.TryRead(handle.Pid);
        if (stat is { } s && s.StartTime != handle.ProcessStartTime)
        {
            return null;
        }

        return handle.Pid;
    }

    private static void Signal(int processGroup, int signal)
    {
        if (NativeMethods.kill(-processGroup, signal) != 0 && Marshal.GetLastPInvokeError() is var errno && errno != NativeMethods.ESRCH)
        {
            throw new InvalidOperationException($"kill(-{processGroup}, {signal}) failed (errno {errno}).");
        }
    }

    private static async Task<bool> WaitForGroupExitAsync(int processGroup, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (ProcStat.GroupHasLiveMembers(processGroup))
        {
            if (Stopwatch.GetTimestamp() >= deadline)
            {
                return false;
            }

            await Task.Delay(StopPollInterval, cancellationToken);
        }

        return true;
    }

    /// <summary>A process this driver started: the kernel reports its exit status to us alone.</summary>
    private sealed class ChildProcess : IDisposable
    {
        private readonly Process _process;

        public ChildProcess(Process process)
        {
            _process = process;
            Exit = ObserveExitAsync(process);
        }

        public Task<InstanceExit> Exit { get; }

        public void Dispose() => _process.Dispose();

        private static async Task<InstanceExit> ObserveExitAsync(Process process)
        {
            try
            {
                await process.WaitForExitAsync(CancellationToken.None);
                var code = process.ExitCode;

                // .NET reports death by signal N as 128 + N, as shells do.
                return code is > 128 and <= 128 + 64 ? new InstanceExit(code, code - 128) : new InstanceExit(code, null);
            }
            catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
            {
                return new InstanceExit(null, null);
            }
        }
    }
}
