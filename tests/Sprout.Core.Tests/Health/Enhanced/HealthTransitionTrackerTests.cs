using Sprout.Core.Health.Enhanced;
using Sprout.Core.Model;
using static Sprout.Core.Tests.Health.Enhanced.Observations;

namespace Sprout.Core.Tests.Health.Enhanced;

public sealed class HealthTransitionTrackerTests
{
    private static readonly string[] Failing = ["12 % of the requests are failing with HTTP 5xx (12 of 100 in the last 10 seconds)."];

    [Fact]
    public void FirstObservation_IsReportedAtOnce()
    {
        var transition = new HealthTransitionTracker().Observe(HealthStatus.Ok, [], Now);

        Assert.NotNull(transition);
        Assert.Null(transition.From);
        Assert.Equal("Environment health has been set to Ok.", transition.Message);
    }

    [Theory]
    [InlineData(19, false)]
    [InlineData(20, true)]
    public void WorseStatus_IsReportedOnceItHasHeldForTheHoldTime(int seconds, bool reported)
    {
        var tracker = new HealthTransitionTracker();
        tracker.Observe(HealthStatus.Ok, [], Now);
        Assert.Null(tracker.Observe(HealthStatus.Degraded, Failing, Now.AddSeconds(10)));

        var transition = tracker.Observe(HealthStatus.Degraded, Failing, Now.AddSeconds(10 + seconds));

        Assert.Equal(reported, transition is not null);
        Assert.Equal(reported ? HealthStatus.Degraded : HealthStatus.Ok, tracker.Reported);
    }

    [Fact]
    public void WorseTransition_CarriesTheCausesAndWarns()
    {
        var tracker = new HealthTransitionTracker(holdFor: TimeSpan.Zero);
        tracker.Observe(HealthStatus.Ok, [], Now);

        var transition = tracker.Observe(HealthStatus.Degraded, Failing, Now.AddSeconds(10))!;

        Assert.Equal("Environment health has transitioned from Ok to Degraded. 12 % of the requests are failing with HTTP 5xx (12 of 100 in the last 10 seconds).", transition.Message);
        Assert.Equal(EventSeverity.WARN, transition.Severity);
        Assert.Equal(HealthColor.Red, transition.Color);
    }

    [Fact]
    public void Recovery_NamesNoCauses()
    {
        var tracker = new HealthTransitionTracker("Instance i-1", TimeSpan.Zero);
        tracker.Observe(HealthStatus.Severe, Failing, Now);

        var transition = tracker.Observe(HealthStatus.Ok, ["ignored"], Now.AddSeconds(10))!;

        Assert.Equal("Instance i-1 health has transitioned from Severe to Ok.", transition.Message);
        Assert.Empty(transition.Causes);
        Assert.Equal(EventSeverity.INFO, transition.Severity);
    }

    [Fact]
    public void Flapping_IsNeverReported()
    {
        var tracker = new HealthTransitionTracker();
        tracker.Observe(HealthStatus.Ok, [], Now);

        for (var i = 1; i <= 10; i++)
        {
            Assert.Null(tracker.Observe(i % 2 == 0 ? HealthStatus.Ok : HealthStatus.Warning, [], Now.AddSeconds(10 * i)));
        }

        Assert.Equal(HealthStatus.Ok, tracker.Reported);
    }

    [Fact]
    public void ChangingCandidate_RestartsTheHold()
    {
        var tracker = new HealthTransitionTracker();
        tracker.Observe(HealthStatus.Ok, [], Now);
        tracker.Observe(HealthStatus.Warning, [], Now.AddSeconds(10));

        Assert.Null(tracker.Observe(HealthStatus.Severe, [], Now.AddSeconds(30)));
        Assert.Equal(HealthStatus.Severe, tracker.Observe(HealthStatus.Severe, [], Now.AddSeconds(50))!.To);
    }
}
