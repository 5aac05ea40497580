namespace Sprout.Cli.Commands;

/// <summary>What a mutating verb does under <c>--nohang</c>: report the accepted request and return at once.</summary>
internal static class NoHang
{
    public static async Task<int> FinishAsync(ClientSession session, string environment, CancellationToken cancellationToken)
    {
        if (session.Output.Json)
        {
            session.Output.WriteJson(await session.Api.GetEnvironmentAsync(environment, cancellationToken).ConfigureAwait(false));
        }

        session.Output.Progress.WriteLine($"Request accepted; not waiting (--nohang). Follow it with `sprout events {environment} -f`.");
        return ExitCodes.Success;
    }
}
