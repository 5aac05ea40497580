using System.Numerics;

namespace Sprout.Core.Scheduling;

/// <summary>The set of values one cron field allows, as a bit mask (every field's values fit below 64).</summary>
internal readonly record struct CronField(ulong Allowed, bool IsStar)
{
    public bool Contains(int value) => value is >= 0 and < 64 && (Allowed & (1UL << value)) != 0;

    /// <summary>The smallest allowed value that is at least <paramref name="value"/>, or -1 when there is none.</summary>
    public int NextAtOrAfter(int value)
    {
        if (value >= 64)
        {
            return -1;
        }

        var remaining = Allowed & (ulong.MaxValue << Math.Max(value, 0));
        return remaining == 0 ? -1 : BitOperations.TrailingZeroCount(remaining);
    }
}
