using Sprout.Server.Metrics.SystemMetrics;

namespace Sprout.Integration.Tests.Metrics.SystemMetrics;

public sealed class ProcParsingTests
{
    private const string ProcStat = """
        cpu  1000 10 300 8000 50 5 25 0 0 0
        cpu0 500 5 150 4000 25 3 12 0 0 0
        cpu1 500 5 150 4000 25 2 13 0 0 0
        intr 12345
        """;

    [Fact]
    public void HostCpuTimes_ReadsTheAggregateLineAndCountsCores()
    {
        var times = HostCpuTimes.TryParse(ProcStat);

        Assert.Equal(new HostCpuTimes(1000, 10, 300, 8000, 50, 5, 25, 0, 2), times);
        Assert.Equal(9390, times!.Value.Total);
    }

    [Fact]
    public void HostCpuTimes_FromThisMachine_IsReadable() => Assert.True(HostCpuTimes.TryRead()!.Value.Total > 0);

    [Fact]
    public void HostCpu_SplitsTheDeltaInPercent()
    {
        var before = new HostCpuTimes(1000, 0, 300, 8000, 0, 0, 0, 0, 2);
        var after = new HostCpuTimes(1500, 0, 400, 8250, 50, 0, 100, 0, 2);

        var cpu = CpuCalculator.Host(before, after)!;

        Assert.Equal((50, 10, 25, 5, 10), (cpu.User, cpu.System, cpu.Idle, cpu.IOWait, cpu.SoftIRQ));
        Assert.Equal(75, cpu.InUse);
        Assert.Null(CpuCalculator.Host(before, before));
    }

    [Fact]
    public void GroupCpu_IsAShareOfTheHostAndCountsCores()
    {
        var hostBefore = new HostCpuTimes(0, 0, 0, 0, 0, 0, 0, 0, 4);
        var hostAfter = hostBefore with { Idle = 400 };
        var before = new ProcessGroupUsage(7, 1, 1000, 100, 0);
        var after = before with { UserTicks = 1090, SystemTicks = 110 };

        var cpu = CpuCalculator.Group(before, after, hostBefore, hostAfter)!;

        // 100 of 400 host ticks = 25 % of the host = one of four cores.
        Assert.Equal((22.5, 2.5, 1.0), (cpu.UserPercent, cpu.SystemPercent, cpu.CoresUsed));
    }

    [Fact]
    public void GroupCpu_MemberGone_NeverNegative()
    {
        var host = new HostCpuTimes(0, 0, 0, 100, 0, 0, 0, 0, 1);
        var before = new ProcessGroupUsage(7, 2, 500, 50, 0);

        var cpu = CpuCalculator.Group(before, before with { ProcessCount = 1, UserTicks = 100, SystemTicks = 10 }, host, host with { Idle = 200 })!;

        Assert.Equal((0.0, 0.0), (cpu.UserPercent, cpu.SystemPercent));
    }

    [Fact]
    public void ProcessStat_CommandWithParenthesesAndSpaces()
    {
        var line = "4242 (my (odd) app) R 1 4242 4242 0 -1 4194304 100 0 0 0 150 30 7 3 20 0 1 0 12345 1000000 256 18446744073709551615";

        var stat = ProcessCpuStat.TryParse(4242, line);

        Assert.Equal(new ProcessCpuStat(4242, 4242, 'R', 150, 30, 7, 3, 256), stat);
    }

    [Theory]
    [InlineData("0.52 0.58 0.59 1/467 12345\n", 0.52, 0.58, 0.59)]
    [InlineData("19.99 19.58 13.72 22/361 29903", 19.99, 19.58, 13.72)]
    public void LoadAverage_ReadsThreeAverages(string text, double one, double five, double fifteen) =>
        Assert.Equal(new LoadAverage(one, five, fifteen), LoadAverage.TryParse(text));

    [Fact]
    public void LoadAverage_Garbage_IsNull() => Assert.Null(LoadAverage.TryParse("nope"));
}
