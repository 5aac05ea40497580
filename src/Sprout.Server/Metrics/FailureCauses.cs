using System.Text;
using Sprout.Server.Routing;

namespace Sprout.Server.Metrics;

/// <summary>Array slots and Prometheus labels (snake_case of the enum name) for <see cref="ForwarderError"/>.</summary>
internal static class FailureCauses
{
    private static readonly string[] Labels = CreateLabels();

    public static int Count => Labels.Length;

    /// <summary>The slot for <paramref name="error"/>, or -1 for success or a value this build does not know.</summary>
    public static int IndexOf(ForwarderError error)
    {
        var index = (int)error;
        return index > 0 && index < Labels.Length ? index : -1;
    }

    public static string Label(int index) => Labels[index];

    private static string[] CreateLabels()
    {
        var values = Enum.GetValues<ForwarderError>();
        var labels = new string[values.Max(v => (int)v) + 1];
        foreach (var value in values)
        {
            labels[(int)value] = ToSnakeCase(value.ToString());
        }

        return labels;
    }

    private static string ToSnakeCase(string name)
    {
        var builder = new StringBuilder(name.Length + 8);
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                builder.Append('_');
            }

            builder.Append(char.ToLowerInvariant(name[i]));
        }

        return builder.ToString();
    }
}
