using System.Diagnostics;
using Sprout.Core.Scheduling;
using static Sprout.Core.Tests.Scheduling.CronTestTimes;

namespace Sprout.Core.Tests.Scheduling;

// Calendar anchors: 2026-01-01 is a Thursday, 2026-01-04 a Sunday, 2028-02-29 a Tuesday.
public sealed class CronExpressionOccurrenceTests
{
    [Theory]
    [InlineData("* * * * *", "2026-01-01T00:00:30Z", "2026-01-01T00:01:00Z")]
    [InlineData("* * * * *", "2026-01-01T00:00:00Z", "2026-01-01T00:01:00Z")]
    [InlineData("30 * * * *", "2026-01-01T10:29:59Z", "2026-01-01T10:30:00Z")]
    [InlineData("30 * * * *", "2026-01-01T10:30:00Z", "2026-01-01T11:30:00Z")]
    [InlineData("0 * * * *", "2026-01-01T10:59:00Z", "2026-01-01T11:00:00Z")]
    [InlineData("15 23 * * *", "2026-01-01T23:15:00Z", "2026-01-02T23:15:00Z")]
    [InlineData("0 0 * * *", "2026-01-31T23:59:00Z", "2026-02-01T00:00:00Z")]
    [InlineData("0 0 1 1 *", "2026-06-15T08:00:00Z", "2027-01-01T00:00:00Z")]
    [InlineData("59 23 31 12 *", "2026-12-31T23:59:00Z", "2027-12-31T23:59:00Z")]
    [InlineData("0 0 29 2 *", "2027-01-01T00:00:00Z", "2028-02-29T00:00:00Z")]
    [InlineData("0 12 31 * *", "2026-04-01T00:00:00Z", "2026-05-31T12:00:00Z")]
    [InlineData("0 12 31 * *", "2026-07-31T12:00:00Z", "2026-08-31T12:00:00Z")]
    [InlineData("0 12 31 * *", "2026-08-31T12:00:00Z", "2026-10-31T12:00:00Z")]
    [InlineData("0 */12 * * *", "2026-01-01T12:00:00Z", "2026-01-02T00:00:00Z")]
    [InlineData("0 0 1 */3 *", "2026-01-01T00:00:00Z", "2026-04-01T00:00:00Z")]
    public void NextOccurrence_CrossesMinuteHourDayMonthAndYearBoundaries(string text, string after, string expected) =>
        Assert.Equal(Utc(expected), CronExpression.Parse(text).GetNextOccurrence(Utc(after)));

    [Theory]
    [InlineData("0 0 30 2 *")]
    [InlineData("0 0 31 4,6,9,11 *")]
    [InlineData("0 0 31 feb *")]
    public void ImpossibleDates_HaveNoNextOccurrence(string text)
    {
        var stopwatch = Stopwatch.StartNew();
        Assert.Null(CronExpression.Parse(text).GetNextOccurrence(Utc("2026-01-01T00:00:00Z")));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(1), $"searching took {stopwatch.Elapsed}");
    }

    [Fact]
    public void NextOccurrence_IsInUtcWhateverTheInputOffset()
    {
        var after = new DateTimeOffset(2026, 1, 1, 1, 30, 0, TimeSpan.FromHours(2));

        var next = CronExpression.Parse("0 0 * * *").GetNextOccurrence(after);

        Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), next);
        Assert.Equal(TimeSpan.Zero, next!.Value.Offset);
    }

    [Theory]
    [InlineData("0 0 * * 0")]
    [InlineData("0 0 * * 7")]
    [InlineData("0 0 * * SUN")]
    [InlineData("0 0 * * sun")]
    public void SevenAndZeroAndSun_AllMeanSunday(string text) =>
        Assert.Equal(Utc("2026-01-04T00:00:00Z"), CronExpression.Parse(text).GetNextOccurrence(Utc("2026-01-01T00:00:00Z")));

    [Fact]
    public void DayOfWeekRangeEndingAtSeven_IncludesSunday() =>
        Assert.Equal(
            [Utc("2026-01-02T00:00:00Z"), Utc("2026-01-03T00:00:00Z"), Utc("2026-01-04T00:00:00Z"), Utc("2026-01-09T00:00:00Z")],
            CronExpression.Parse("0 0 * * 5-7").GetOccurrences(Utc("2026-01-01T00:00:00Z"), Utc("2026-01-09T00:00:00Z")));

    [Fact]
    public void WeekdayNames_SkipTheWeekend() =>
        Assert.Equal(
            Utc("2026-01-05T09:00:00Z"),
            CronExpression.Parse("0 9 * * MON-FRI").GetNextOccurrence(Utc("2026-01-02T09:00:00Z")));

    [Fact]
    public void MonthNames_AreCaseInsensitive() =>
        Assert.Equal(
            [Utc("2026-06-01T00:00:00Z"), Utc("2026-09-01T00:00:00Z"), Utc("2026-12-01T00:00:00Z")],
            CronExpression.Parse("0 0 1 jun,Sep,DEC *").GetOccurrences(Utc("2026-01-01T00:00:00Z"), Utc("2026-12-31T00:00:00Z")));

    [Fact]
    public void BothDayFieldsRestricted_DayMatchesIfEitherMatches() =>
        Assert.Equal(
            [Utc("2026-01-02T00:00:00Z"), Utc("2026-01-09T00:00:00Z"), Utc("2026-01-13T00:00:00Z"), Utc("2026-01-16T00:00:00Z")],
            CronExpression.Parse("0 0 13 * 5").GetOccurrences(Utc("2026-01-01T00:00:00Z"), Utc("2026-01-16T00:00:00Z")));

    [Fact]
    public void OnlyDayOfWeekRestricted_DayOfMonthStarDoesNotWidenIt() =>
        Assert.Equal(Utc("2026-01-05T00:00:00Z"), CronExpression.Parse("0 0 * * 1").GetNextOccurrence(Utc("2026-01-01T00:00:00Z")));

    [Fact]
    public void OnlyDayOfMonthRestricted_DayOfWeekStarDoesNotWidenIt() =>
        Assert.Equal(Utc("2026-01-13T00:00:00Z"), CronExpression.Parse("0 0 13 * *").GetNextOccurrence(Utc("2026-01-01T00:00:00Z")));

    [Fact]
    public void SteppedStarDayOfMonth_CountsAsUnrestrictedLikeVixieCron() =>
        // Odd days AND Mondays gives Monday the 5th; an OR would have matched Thursday the 1st.
        Assert.Equal(Utc("2026-01-05T00:00:00Z"), CronExpression.Parse("0 0 */2 * 1").GetNextOccurrence(Utc("2025-12-31T23:59:00Z")));

    [Theory]
    [InlineData("*/15 * * * *", new[] { 0, 15, 30, 45 })]
    [InlineData("10-40/10 * * * *", new[] { 10, 20, 30, 40 })]
    [InlineData("5/20 * * * *", new[] { 5, 25, 45 })]
    [InlineData("*/25 * * * *", new[] { 0, 25, 50 })]
    [InlineData("0-59/70 * * * *", new[] { 0 })]
    [InlineData("59/2147483647 * * * *", new[] { 59 })]
    [InlineData("1,2,58-59 * * * *", new[] { 1, 2, 58, 59 })]
    [InlineData("3-5,*/30 * * * *", new[] { 0, 3, 4, 5, 30 })]
    public void StepsRangesAndLists_SelectTheExpectedMinutes(string text, int[] minutes)
    {
        var occurrences = CronExpression.Parse(text)
            .GetOccurrences(Utc("2026-01-01T09:59:00Z"), Utc("2026-01-01T10:59:00Z"))
            .ToList();

        Assert.Equal(minutes, occurrences.Select(o => o.Minute));
        Assert.All(occurrences, o => Assert.Equal(10, o.Hour));
    }

    [Fact]
    public void SteppedHourRange_SelectsEverySixthHour() =>
        Assert.Equal(
            [Utc("2026-01-01T00:00:00Z"), Utc("2026-01-01T06:00:00Z"), Utc("2026-01-01T12:00:00Z"), Utc("2026-01-02T00:00:00Z")],
            CronExpression.Parse("0 0-12/6 * * *").GetOccurrences(Utc("2025-12-31T23:00:00Z"), Utc("2026-01-02T05:00:00Z")));

    [Fact]
    public void Occurrences_ExcludeTheStartAndIncludeTheEnd() =>
        Assert.Equal(
            [Utc("2026-01-01T11:00:00Z"), Utc("2026-01-01T12:00:00Z")],
            CronExpression.Parse("0 * * * *").GetOccurrences(Utc("2026-01-01T10:00:00Z"), Utc("2026-01-01T12:00:00Z")));

    [Fact]
    public void Occurrences_AreEmptyWhenTheWindowIsEmptyOrNeverMatches()
    {
        Assert.Empty(CronExpression.Parse("* * * * *").GetOccurrences(Utc("2026-01-02T00:00:00Z"), Utc("2026-01-01T00:00:00Z")));
        Assert.Empty(CronExpression.Parse("0 0 30 2 *").GetOccurrences(Utc("2026-01-01T00:00:00Z"), Utc("2040-01-01T00:00:00Z")));
    }

    [Fact]
    public void LeapDayOccurrences_OnlyFallInLeapYears() =>
        Assert.Equal(
            [Utc("2028-02-29T00:00:00Z"), Utc("2032-02-29T00:00:00Z")],
            CronExpression.Parse("0 0 29 2 *").GetOccurrences(Utc("2026-01-01T00:00:00Z"), Utc("2035-01-01T00:00:00Z")));

    [Fact]
    public void EveryMinuteForAYear_IsListedCompletely() =>
        Assert.Equal(
            365 * 24 * 60,
            CronExpression.Parse("* * * * *").GetOccurrences(Utc("2026-01-01T00:00:00Z"), Utc("2027-01-01T00:00:00Z")).Count());

    [Fact]
    public void NearTheEndOfTime_ThereIsNoNextOccurrence() =>
        Assert.Null(CronExpression.Parse("* * * * *").GetNextOccurrence(DateTimeOffset.MaxValue));
}
