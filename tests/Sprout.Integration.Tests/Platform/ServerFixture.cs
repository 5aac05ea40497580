using Sprout.Core.Api;

namespace Sprout.Integration.Tests.Platform;

/// <summary>
/// One real Sprout server shared by the end-to-end tests of a collection. On dispose it
/// terminates every environment through the API, then kills any instance process group still
/// alive (by the pids the API reported), then the server's own group.
/// </summary>
public sealed class ServerFixture : IAsyncLifetime
{
    private readonly HashSet<int> _instancePids = [];

    public SproutServerProcess Server { get; private set; } = null!;

    public SproutApi Api { get; private set; } = null!;

    public RouterClient Router { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await SproutServerProcess.StartAsync();
        Api = new SproutApi(Server.ApiUrl, Server.Token);
        Router = new RouterClient(Server.HttpPort);
    }

    /// <summary>Remembers the processes of an environment so cleanup can stop them even if the server cannot.</summary>
    public void Track(EnvironmentDto environment)
    {
        lock (_instancePids)
        {
            foreach (var instance in environment.Instances)
            {
                if (instance.Pid is { } pid)
                {
                    _instancePids.Add(pid);
                }
            }
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            var environments = await Api.GetAsync<IReadOnlyList<EnvironmentDto>>("/api/environments");
            foreach (var environment in environments)
            {
                Track(environment);
            }

            await Task.WhenAll(environments.Select(async e =>
            {
                try
                {
                    await Api.WaitForReadyAsync(e.EnvironmentName, TimeSpan.FromMinutes(2));
                    await Api.TerminateAsync(e.EnvironmentName);
                }
                catch (Exception)
                {
                    // Fall through to killing the process groups below.
                }
            }));
        }
        finally
        {
            lock (_instancePids)
            {
                foreach (var pid in _instancePids)
                {
                    // Instances lead their own process groups (setsid), so the pid is the group id.
                    ProcessGroups.Kill(pid);
                }
            }

            Api.Dispose();
            Router.Dispose();
            await Server.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ServerCollection : ICollectionFixture<ServerFixture>
{
    public const string Name = "sprout server";
}
