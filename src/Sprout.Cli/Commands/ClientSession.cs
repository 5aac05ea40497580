using Sprout.Cli.Http;
using Sprout.Cli.Output;
using Sprout.Cli.Project;

namespace Sprout.Cli.Commands;

/// <summary>What a client verb works with: the project config (if any), the API, the output, and the names it resolves.</summary>
internal sealed class ClientSession : IDisposable
{
    private string? _application;

    private ClientSession(CliContext context, ProjectConfig? config, ApiClient api, CliOutput output, string? applicationOption)
    {
        Context = context;
        Config = config;
        Api = api;
        Output = output;
        _application = applicationOption;
    }

    public CliContext Context { get; }

    public ProjectConfig? Config { get; }

    public ApiClient Api { get; }

    public CliOutput Output { get; }

    public TimeProvider Time { get; } = TimeProvider.System;

    /// <summary>The project root when there is a <c>.sprout/config.yml</c>, else the working directory.</summary>
    public string ProjectDirectory => Config?.ProjectDirectory ?? Context.WorkingDirectory;

    /// <summary>--app, else application_name of the project config; null when neither is set.</summary>
    public string? ApplicationOrDefault => _application ?? Config?.ApplicationName;

    public string Application =>
        ApplicationOrDefault
        ?? throw new UsageException("No application: run `sprout init APP` in the project directory, or pass --app APP.");

    public static async Task<ClientSession> OpenAsync(CliContext context, string? applicationOption, bool json, CancellationToken cancellationToken)
    {
        var config = await ProjectConfig.FindAsync(context.WorkingDirectory, cancellationToken).ConfigureAwait(false);
        var connection = ServerConnection.Resolve(context, config);
        return new ClientSession(context, config, new ApiClient(connection), new CliOutput(context, json), applicationOption);
    }

    /// <summary>The ENV argument, else the branch default written by <c>sprout create</c>.</summary>
    public string ResolveEnvironment(string? argument) =>
        argument
        ?? Config?.GetBranchEnvironment()
        ?? throw new UsageException("No environment: pass ENV, or run `sprout create` which makes the new environment the default for this project.");

    /// <summary>The configured application, else the one that owns <paramref name="environment"/> (so `deploy ENV` works outside a project).</summary>
    public async Task<string> ResolveApplicationAsync(string environment, CancellationToken cancellationToken)
    {
        if (ApplicationOrDefault is { } configured)
        {
            return configured;
        }

        var owner = await Api.GetEnvironmentAsync(environment, cancellationToken).ConfigureAwait(false);
        _application = owner.ApplicationName;
        return owner.ApplicationName;
    }

    /// <summary>Takes the application a server answer named, when neither the command line nor the project named one.</summary>
    public void UseApplication(string application)
    {
        if (ApplicationOrDefault is null)
        {
            _application = application;
        }
    }

    /// <summary>Records <paramref name="environment"/> as the project's default environment, creating <c>.sprout/config.yml</c> if needed.</summary>
    public async Task SaveDefaultEnvironmentAsync(string? environment, CancellationToken cancellationToken)
    {
        var config = Config ?? await ProjectConfig.LoadOrCreateAsync(Context.WorkingDirectory, cancellationToken).ConfigureAwait(false);
        config.ApplicationName ??= ApplicationOrDefault;
        config.SetBranchEnvironment(environment);
        await config.SaveAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose() => Api.Dispose();
}
