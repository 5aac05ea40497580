using Sprout.Integration.Tests.Metrics;
using Sprout.Server.Routing;
using Sprout.Server.Routing.Targets;

namespace Sprout.Integration.Tests.Routing.Balancing;

public sealed class PassiveHealthTests
{
    private readonly ManualTimeProvider _time = new();
    private readonly TargetState _target;

    public PassiveHealthTests() => _target = new TargetStates(PassiveHealthOptions.Default, _time).Get("i-1");

    [Fact]
    public void Unreachable_EjectsAtOnce_AndTimeHealsIt()
    {
        Assert.True(_target.Report(ForwarderError.Request));
        Assert.True(_target.IsEjected);

        _time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.True(_target.IsEjected);
        _time.Advance(TimeSpan.FromTicks(1));
        Assert.False(_target.IsEjected);
    }

    [Fact]
    public void FailingAgainAfterHealing_DoublesTheEjectionUpToTheCap()
    {
        var lengths = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            Assert.True(_target.Report(ForwarderError.Request));
            var length = _target.EjectedUntil - _time.GetUtcNow();
            lengths.Add(length);
            _time.Advance(length);
        }

        Assert.Equal([5, 10, 20, 40, 60, 60], lengths.Select(l => (int)l.TotalSeconds));
    }

    [Fact]
    public void Success_ResetsTheBackoff()
    {
        _target.Report(ForwarderError.Request);
        _time.Advance(TimeSpan.FromSeconds(5));
        _target.Report(ForwarderError.None);

        _target.Report(ForwarderError.Request);

        Assert.Equal(TimeSpan.FromSeconds(5), _target.EjectedUntil - _time.GetUtcNow());
    }

    [Fact]
    public void ReportsWhileEjected_DoNotExtendIt()
    {
        _target.Report(ForwarderError.Request);
        var until = _target.EjectedUntil;

        Assert.False(_target.Report(ForwarderError.Request));
        Assert.Equal(until, _target.EjectedUntil);
    }

    [Theory]
    [InlineData(ForwarderError.RequestTimedOut)]
    [InlineData(ForwarderError.ResponseBodyDestination)]
    [InlineData(ForwarderError.ResponseBodyTimedOut)]
    [InlineData(ForwarderError.RequestBodyDestination)]
    [InlineData(ForwarderError.UpgradeDestination)]
    public void SlowerFailures_EjectOnlyAtTheThirdInARow(ForwarderError error)
    {
        Assert.False(_target.Report(error));
        Assert.False(_target.Report(error));
        Assert.False(_target.IsEjected);
        Assert.True(_target.Report(error));
        Assert.True(_target.IsEjected);
    }

    [Fact]
    public void SuccessBetweenSlowFailures_StartsTheCountAgain()
    {
        _target.Report(ForwarderError.RequestTimedOut);
        _target.Report(ForwarderError.RequestTimedOut);
        _target.Report(ForwarderError.None);
        _target.Report(ForwarderError.RequestTimedOut);
        _target.Report(ForwarderError.RequestTimedOut);

        Assert.False(_target.IsEjected);
    }

    [Theory]
    [InlineData(ForwarderError.RequestCanceled)]
    [InlineData(ForwarderError.RequestBodyClient)]
    [InlineData(ForwarderError.ResponseBodyClient)]
    [InlineData(ForwarderError.NoAvailableTargets)]
    [InlineData(ForwarderError.UpgradeClient)]
    [InlineData(ForwarderError.UpgradeIdleTimedOut)]
    public void ClientFaults_NeverEject(ForwarderError error)
    {
        for (var i = 0; i < 10; i++)
        {
            Assert.False(_target.Report(error));
        }

        Assert.False(_target.IsEjected);
    }

    [Fact]
    public void CloseConnections_FiresTheTokenAndTheNextGetStartsAfresh()
    {
        var states = new TargetStates(PassiveHealthOptions.Default, _time);
        var first = states.Get("i-1");
        var closing = first.Closing;

        states.CloseConnections("i-1");

        Assert.True(closing.IsCancellationRequested);
        var second = states.Get("i-1");
        Assert.NotSame(first, second);
        Assert.False(second.Closing.IsCancellationRequested);
    }
}
