using Sprout.Core.Options;

namespace Sprout.Core.Deployments;

/// <summary><c>aws:autoscaling:updatepolicy:rollingupdate</c> with Beanstalk's defaults; null sizes are computed from MinSize/MaxSize.</summary>
public sealed record RollingUpdateOptions
{
    /// <summary>Beanstalk computes PauseTime from the instance type; Sprout instances are processes, so a fixed 30 s.</summary>
    public static readonly TimeSpan DefaultPauseTime = TimeSpan.FromSeconds(30);

    public static RollingUpdateOptions Defaults { get; } = new();

    public bool Enabled { get; init; }

    public RollingUpdateType Type { get; init; } = RollingUpdateType.Time;

    public int? MaxBatchSize { get; init; }

    public int? MinInstancesInService { get; init; }

    public TimeSpan? PauseTime { get; init; }

    /// <summary>How long a batch has to become healthy (Health type), PT30M.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Default ceil(MinSize / 3), at least 1.</summary>
    public int EffectiveMaxBatchSize(int minSize) => MaxBatchSize ?? Math.Max(1, (minSize + 2) / 3);

    /// <summary>Default min(MinSize, MaxSize − 1).</summary>
    public int EffectiveMinInstancesInService(int minSize, int maxSize) => MinInstancesInService ?? Math.Max(0, Math.Min(minSize, maxSize - 1));

    public TimeSpan EffectivePauseTime => PauseTime ?? DefaultPauseTime;

    /// <summary>Setting MaxBatchSize, MinInstancesInService or PauseTime turns rolling updates on, as in Beanstalk.</summary>
    public static RollingUpdateOptions FromOptions(EffectiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new RollingUpdateOptions
        {
            Enabled = options.RollingUpdateEnabled,
            Type = Enum.Parse<RollingUpdateType>(options.RollingUpdateType),
            MaxBatchSize = options.RollingUpdateMaxBatchSize,
            MinInstancesInService = options.RollingUpdateMinInstancesInService,
            PauseTime = options.RollingUpdatePauseTime,
            Timeout = options.RollingUpdateTimeout,
        };
    }
}
