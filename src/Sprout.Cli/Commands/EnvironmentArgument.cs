using System.CommandLine;

namespace Sprout.Cli.Commands;

internal static class EnvironmentArgument
{
    /// <summary>The optional ENV positional most verbs take; missing means the project's default environment.</summary>
    public static Argument<string?> Optional(string what = "Environment") => new("ENV")
    {
        Description = $"{what}. Default: the project's default environment (set by `sprout create`).",
        Arity = ArgumentArity.ZeroOrOne,
    };
}
