using Sprout.Integration.Tests.Runtime;
using Sprout.Server.Metrics.SystemMetrics;

namespace Sprout.Integration.Tests.Metrics.SystemMetrics;

public sealed class SystemMetricsSamplerTests
{
    private const string BusyWithBusyChild = "sh -c 'while :; do :; done' & while :; do :; done";

    [Fact]
    public async Task BusyGroup_UsesCpu_CountingItsChild_WhileASleepingGroupUsesNone()
    {
        await using var busy = await StartedProcessGroup.StartAsync(BusyWithBusyChild, members: 2);
        await using var sleeping = await StartedProcessGroup.StartAsync("exec sleep 60", members: 1);
        var sampler = new SystemMetricsSampler(TimeProvider.System);
        int[] groups = [busy.ProcessGroup, sleeping.ProcessGroup];

        var first = sampler.Sample(groups);
        Assert.Null(first.Groups[busy.ProcessGroup].Cpu);

        // The machine is shared, so the loops get what the scheduler gives them; wait until it has given them some.
        SystemSample? sample = null;
        await Poll.UntilAsync(async () =>
        {
            await Task.Delay(100);
            sample = sampler.Sample(groups);
            return sample.Groups[busy.ProcessGroup].Cpu is { CoresUsed: > 0.05 };
        }, "the busy group to use CPU");

        var busySample = sample!.Groups[busy.ProcessGroup];
        Assert.Equal(2, busySample.ProcessCount);
        Assert.True(busySample.ResidentBytes > 0);
        Assert.InRange(busySample.Cpu!.TotalPercent, 0.1, 100);
        Assert.True(busySample.Cpu.UserPercent > 0);
        Assert.InRange(busySample.Cpu.CoresUsed, 0.05, Environment.ProcessorCount + 0.5);
        var utilization = busySample.Cpu.ToCpuUtilization();
        Assert.Equal(100, utilization.User + utilization.System + utilization.Idle, 3);

        var sleepingSample = sample.Groups[sleeping.ProcessGroup];
        Assert.Equal(1, sleepingSample.ProcessCount);
        Assert.True(sleepingSample.Cpu!.CoresUsed < busySample.Cpu.CoresUsed);

        var host = sample.HostCpu!;
        // Steal time (virtual machines) has no field in Beanstalk's shape, so the fields may add up to a little less than 100.
        Assert.InRange(host.User + host.Nice + host.System + host.Idle + host.IOWait + host.IRQ + host.SoftIRQ, 50, 100.001);
        Assert.True(host.User > 0);
        Assert.NotNull(sample.LoadAverage);
    }

    [Fact]
    public async Task KilledGroup_DropsOutOfTheSample()
    {
        var sampler = new SystemMetricsSampler(TimeProvider.System);
        var group = await StartedProcessGroup.StartAsync("exec sleep 60", members: 1);
        var id = group.ProcessGroup;
        Assert.True(sampler.Sample([id]).Groups.ContainsKey(id));

        await group.DisposeAsync();

        await Poll.UntilAsync(() => !sampler.Sample([id]).Groups.ContainsKey(id), "the killed group to disappear");
    }

    [Fact]
    public async Task GroupLeftOutOfACall_StartsAfreshWhenAskedAgain()
    {
        await using var group = await StartedProcessGroup.StartAsync("exec sleep 60", members: 1);
        var sampler = new SystemMetricsSampler(TimeProvider.System);

        sampler.Sample([group.ProcessGroup]);
        await Poll.UntilAsync(async () =>
        {
            await Task.Delay(20);
            return sampler.Sample([group.ProcessGroup]).Groups[group.ProcessGroup].Cpu is not null;
        }, "a second sample at least one clock tick later");
        sampler.Sample([]);

        Assert.Null(sampler.Sample([group.ProcessGroup]).Groups[group.ProcessGroup].Cpu);
    }

    [Fact]
    public async Task SamplesWithinOneTick_KeepTheirBaseline()
    {
        await using var group = await StartedProcessGroup.StartAsync("exec sleep 60", members: 1);
        var sampler = new SystemMetricsSampler(TimeProvider.System);
        sampler.Sample([group.ProcessGroup]);

        // However often it is called, a later call still compares with a real earlier reading.
        await Poll.UntilAsync(() => sampler.Sample([group.ProcessGroup]).Groups[group.ProcessGroup].Cpu is not null, "a sample one tick later");
    }

    [Fact]
    public void UnknownGroup_IsAbsent() =>
        Assert.Empty(new SystemMetricsSampler(TimeProvider.System).Sample([int.MaxValue]).Groups);
}
