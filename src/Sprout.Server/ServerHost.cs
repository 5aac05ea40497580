using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sprout.Core.Api;
using Sprout.Core.Bundles;
using Sprout.Server.Api;
using Sprout.Server.Artifacts;
using Sprout.Server.Builds;
using Sprout.Server.Environments;
using Sprout.Server.Events;
using Sprout.Server.Health;
using Sprout.Server.Metrics;
using Sprout.Server.Metrics.SystemMetrics;
using Sprout.Server.Monitoring;
using Sprout.Server.Routing;
using Sprout.Server.Routing.Remote;
using Sprout.Server.Routing.Targets;
using Sprout.Server.Runtime;
using Sprout.Server.Scaling;
using Sprout.Server.Store;
using Sprout.Server.Versions;

namespace Sprout.Server;

/// <summary>Runs the control plane (API, reconcilers) and the in-process router until cancelled.</summary>
public static class ServerHost
{
    /// <summary>How long the routing feed waits for restored environments to publish routes before it serves what it has.</summary>
    private static readonly TimeSpan RestoredRoutesTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Returns the process exit code.</summary>
    public static async Task<int> RunAsync(ServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        InlineSocketCompletions.EnableBeforeFirstSocket();
        try
        {
            DataDirectory.Prepare(options, Environment.IsPrivilegedProcess && !string.IsNullOrWhiteSpace(options.AppUser));
        }
        catch (DataDirectoryException e)
        {
            await Console.Error.WriteLineAsync($"sprout server: {e.Message}");
            return 1;
        }

        var token = await AccessToken.LoadOrCreateAsync(options.TokenPath, cancellationToken);

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = options.DataDirectory });
        builder.Logging.AddSproutConsole();
        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(options.ApiAddress, options.ApiPort);
            kestrel.Limits.MaxRequestBodySize = 1024 * 1024;
        });
        builder.Services.ConfigureHttpJsonOptions(o => SproutJson.Configure(o.SerializerOptions));
        builder.Services.AddOpenApi();
        AddSprout(builder.Services, options);

        await using var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Sprout.Server");
        app.Use((context, next) => ApiMiddleware.TranslateErrorsAsync(context, logger, () => next(context)));
        app.Use((context, next) => ApiMiddleware.AuthenticateAsync(context, token, () => next(context)));
        app.MapOpenApi("/openapi/{documentName}.json");
        app.MapGet("/healthz", () => Results.Text("ok\n"));
        app.MapGet("/metrics", (RouterMetrics metrics, TargetStates targets, EnvironmentManager manager, InstanceSystemMetrics system) =>
            Results.Text(MetricsEndpoint.Text(metrics, targets, manager, system), PrometheusWriter.ContentType));
        var api = app.MapGroup("/api");
        api.MapApplicationEndpoints();
        api.MapVersionEndpoints();
        api.MapEnvironmentEndpoints();
        api.MapDeploymentEndpoints();
        api.MapEventEndpoints();
        api.MapLogEndpoints();
        api.MapRoutingEndpoints();

        var services = app.Services;
        if (services.GetRequiredService<ProcessRuntimeDriver>().RunsAsAppUser)
        {
            // Builds and instances both run as this user; make sure it exists before either needs it.
            await AppUserAccount.EnsureAsync(options.AppUser!, cancellationToken);
        }

        await services.GetRequiredService<SproutStore>().InitializeAsync(cancellationToken);
        services.GetRequiredService<FileArtifactStore>().CleanTemporaryFiles();

        await using var router = await RouterHost.StartAsync(
            new RouterOptions(options.HttpAddress, options.HttpPort, options.Domain)
            {
                AccessLogPath = options.AccessLogPath,
                Http2Port = options.Http2Port,
                TrustedProxies = options.TrustedProxies,
            },
            services.GetRequiredService<IRouteTable>(),
            services.GetRequiredService<ILoggerFactory>(),
            RouterMetricsEnabled() ? services.GetRequiredService<RouterMetrics>() : null,
            cancellationToken);

        var manager = services.GetRequiredService<EnvironmentManager>();
        var builds = services.GetRequiredService<VersionBuilds>();
        await manager.RestoreAsync(cancellationToken);
        await builds.ResumeAsync(cancellationToken);
        var restored = (await services.GetRequiredService<SproutStore>().ListEnvironmentsAsync(null, cancellationToken)).Select(row => row.Name).ToList();
        // Restored environments publish their routes from background refreshes; the routing feed
        // answers 503 until they have, so a remote router keeps its last table meanwhile.
        var feedReady = MarkFeedReadyAsync(services.GetRequiredService<RouteFeed>(), restored, logger, cancellationToken);

        using var rotation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var rotator = new InstanceLogRotator(services.GetRequiredService<ProcessRuntimeOptions>());
        var rotating = rotator.RunAsync(() => Directory.Exists(options.InstancesDirectory) ? Directory.EnumerateDirectories(options.InstancesDirectory) : [], TimeSpan.FromSeconds(30), rotation.Token);

        using var monitoring = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var healthRounds = services.GetRequiredService<HealthMonitor>().RunAsync(monitoring.Token);
        var scalingRounds = services.GetRequiredService<Autoscaler>().RunAsync(monitoring.Token);

        await app.StartAsync(cancellationToken);
        logger.LogInformation("Sprout API on http://{Address}:{Port} (token in {TokenPath}); router on http://*.{Domain}:{HttpPort}",
            options.ApiAddress, options.ApiPort, options.TokenPath, options.Domain, router.Port);
        try
        {
            await app.WaitForShutdownAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }

        // Instances keep running: the next start adopts them (the data plane outlives the control plane).
        await app.StopAsync(CancellationToken.None);
        await rotation.CancelAsync();
        await monitoring.CancelAsync();
        await healthRounds.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await scalingRounds.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await rotating.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await feedReady.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await builds.DisposeAsync();
        await manager.DisposeAsync();
        return 0;
    }

    /// <summary>
    /// <c>SPROUT_ROUTER_METRICS=off</c> runs the router without its observer (no request metrics, so no request-based health
    /// or scaling): for measuring what the metrics cost (bench/health.sh).
    /// </summary>
    private static bool RouterMetricsEnabled() =>
        !string.Equals(Environment.GetEnvironmentVariable("SPROUT_ROUTER_METRICS"), "off", StringComparison.OrdinalIgnoreCase);

    private static async Task MarkFeedReadyAsync(RouteFeed feed, IReadOnlyCollection<string> restored, ILogger logger, CancellationToken cancellationToken)
    {
        if (!await feed.MarkReadyWhenRoutedAsync(restored, RestoredRoutesTimeout, cancellationToken))
        {
            logger.LogWarning("Not every restored environment published a route within {Timeout}; serving the routing feed anyway", RestoredRoutesTimeout);
        }
    }

    private static void AddSprout(IServiceCollection services, ServerOptions options)
    {
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<EventNotifier>();
        services.AddSingleton(sp => new SproutStore(options.DatabasePath, sp.GetRequiredService<EventNotifier>()));
        services.AddSingleton(new FileArtifactStore(ArtifactStoreOptions.FromServerOptions(options)));
        services.AddSingleton<IArtifactStore>(sp => sp.GetRequiredService<FileArtifactStore>());
        services.AddSingleton<IBuilder>(_ => new Builder(BuilderOptions.FromServerOptions(options)));
        services.AddSingleton(new ProcessRuntimeOptions(options.InstancesDirectory, options.AppUser));
        services.AddSingleton(sp => new ProcessRuntimeDriver(sp.GetRequiredService<ProcessRuntimeOptions>(), sp.GetRequiredService<ILogger<ProcessRuntimeDriver>>()));
        services.AddSingleton<IRuntimeDriver>(sp => sp.GetRequiredService<ProcessRuntimeDriver>());
        services.AddSingleton<TargetStates>();
        services.AddSingleton<IRouteTable>(sp => new RouteTable(sp.GetRequiredService<TargetStates>()));
        services.AddSingleton<RouteFeed>();
        services.AddSingleton<RouteFeedFollowers>();
        services.AddSingleton<RouterMetrics>();
        services.AddSingleton<InstanceSystemMetrics>();
        services.AddSingleton<HealthMonitor>();
        services.AddSingleton<Autoscaler>();
        services.AddSingleton<HealthProbe>();
        services.AddSingleton(new PortAllocator(options.InstancePortRangeStart, options.InstancePortRangeEnd));
        services.AddSingleton<EnvironmentSettingsLoader>();
        services.AddSingleton<EnvironmentServices>();
        services.AddSingleton<EnvironmentManager>();
        services.AddSingleton<VersionBuilds>();
    }
}
