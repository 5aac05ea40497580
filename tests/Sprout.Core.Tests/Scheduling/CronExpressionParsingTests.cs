using Sprout.Core.Scheduling;
using static Sprout.Core.Tests.Scheduling.CronTestTimes;

namespace Sprout.Core.Tests.Scheduling;

public sealed class CronExpressionParsingTests
{
    [Theory]
    [InlineData("* * * * *")]
    [InlineData("0 12 1 6 3")]
    [InlineData("1-5 * * * *")]
    [InlineData("1,15,30 * * * *")]
    [InlineData("*/15 * * * *")]
    [InlineData("10-40/10 * * * *")]
    [InlineData("5/20 * * * *")]
    [InlineData("0 9 * JAN-mar mon-FRI")]
    [InlineData("0 0 1,15 */3 sun,Wed")]
    [InlineData("  0\t0  *  * \t *  ")]
    public void EverySyntaxForm_Parses(string text)
    {
        Assert.True(CronExpression.TryParse(text, out var expression, out var error), error);
        Assert.Null(error);
        Assert.Equal(text, expression.ToString());
    }

    [Theory]
    [InlineData("0 * * * *")]
    [InlineData("59 * * * *")]
    [InlineData("* 0 * * *")]
    [InlineData("* 23 * * *")]
    [InlineData("* * 1 * *")]
    [InlineData("* * 31 * *")]
    [InlineData("* * * 1 *")]
    [InlineData("* * * 12 *")]
    [InlineData("* * * * 0")]
    [InlineData("* * * * 7")]
    public void EachFieldsRangeBoundaries_AreAccepted(string text) =>
        Assert.True(CronExpression.TryParse(text, out _, out var error), error);

    [Theory]
    [InlineData("60 * * * *", "cron field 'minute' value 60 is out of range 0-59 in '60 * * * *'")]
    [InlineData("* 24 * * *", "cron field 'hour' value 24 is out of range 0-23 in '* 24 * * *'")]
    [InlineData("* * 0 * *", "cron field 'day-of-month' value 0 is out of range 1-31 in '* * 0 * *'")]
    [InlineData("* * 32 * *", "cron field 'day-of-month' value 32 is out of range 1-31 in '* * 32 * *'")]
    [InlineData("* * * 0 *", "cron field 'month' value 0 is out of range 1-12 in '* * * 0 *'")]
    [InlineData("* * * 13 *", "cron field 'month' value 13 is out of range 1-12 in '* * * 13 *'")]
    [InlineData("* * * * 8", "cron field 'day-of-week' value 8 is out of range 0-7 in '* * * * 8'")]
    [InlineData("99999999999 * * * *", "cron field 'minute' value 99999999999 is out of range 0-59 in '99999999999 * * * *'")]
    public void OnePastEachFieldsRange_IsRefusedNamingFieldAndValue(string text, string message)
    {
        Assert.False(CronExpression.TryParse(text, out var expression, out var error));
        Assert.Null(expression);
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData("-1 * * * *", "minute")]
    [InlineData("* -1 * * *", "hour")]
    [InlineData("* * * * -1", "day-of-week")]
    public void NegativeValues_AreRefused(string text, string field)
    {
        Assert.False(CronExpression.TryParse(text, out _, out var error));
        Assert.Contains($"cron field '{field}'", error, StringComparison.Ordinal);
    }

    [Fact]
    public void BriefExample_HasExactMessage()
    {
        var exception = Assert.Throws<FormatException>(() => CronExpression.Parse("0 24 * * *"));
        Assert.Equal("cron field 'hour' value 24 is out of range 0-23 in '0 24 * * *'", exception.Message);
    }

    [Theory]
    [InlineData("", "cron expression is empty")]
    [InlineData("   ", "cron expression is empty")]
    [InlineData("* * * *", "cron expression '* * * *' has 4 fields; expected 5")]
    [InlineData("0", "cron expression '0' has 1 field; expected 5")]
    [InlineData("0 0 * * * 2026", "cron expression '0 0 * * * 2026' has 6 fields; expected 5")]
    [InlineData("*/0 * * * *", "cron field 'minute' step '0' must be a whole number of at least 1 in '*/0 * * * *'")]
    [InlineData("1-10/ * * * *", "cron field 'minute' step '' must be a whole number")]
    [InlineData("* */x * * *", "cron field 'hour' step 'x' must be a whole number")]
    [InlineData("* 5-1 * * *", "cron field 'hour' range 5-1 is reversed (its start is after its end) in '* 5-1 * * *'")]
    [InlineData("* * * DEC-JAN *", "cron field 'month' range DEC-JAN is reversed")]
    [InlineData("abc * * * *", "cron field 'minute' value 'abc' is not a number in 'abc * * * *'")]
    [InlineData("* * * FOO *", "cron field 'month' value 'FOO' is not a number or a name (JAN-DEC)")]
    [InlineData("* * * * MONDAY", "cron field 'day-of-week' value 'MONDAY' is not a number or a name (SUN-SAT)")]
    [InlineData("* * MON * *", "cron field 'day-of-month' value 'MON' is not a number in")]
    [InlineData("1,,2 * * * *", "cron field 'minute' has an empty list item")]
    [InlineData("1- * * * *", "cron field 'minute' has a missing value")]
    [InlineData("? * * * *", "cron field 'minute' value '?' is not a number")]
    [InlineData("@reboot", "cron macro '@reboot' is not recognised")]
    public void MalformedExpressions_AreRefusedWithAClearMessage(string text, string messageStart)
    {
        Assert.False(CronExpression.TryParse(text, out var expression, out var error));
        Assert.Null(expression);
        Assert.StartsWith(messageStart, error, StringComparison.Ordinal);

        var exception = Assert.Throws<FormatException>(() => CronExpression.Parse(text));
        Assert.Equal(error, exception.Message);
    }

    [Fact]
    public void Parse_RejectsNull() =>
        Assert.Throws<ArgumentNullException>(() => CronExpression.Parse(null!));

    [Theory]
    [InlineData("@yearly", "0 0 1 1 *")]
    [InlineData("@annually", "0 0 1 1 *")]
    [InlineData("@monthly", "0 0 1 * *")]
    [InlineData("@weekly", "0 0 * * 0")]
    [InlineData("@daily", "0 0 * * *")]
    [InlineData("@midnight", "0 0 * * *")]
    [InlineData("@hourly", "0 * * * *")]
    [InlineData("@DAILY", "0 0 * * *")]
    public void Macros_ScheduleLikeTheirExpansion(string macro, string expansion)
    {
        var fromMacro = CronExpression.Parse(macro);
        var fromFields = CronExpression.Parse(expansion);
        var start = Utc("2026-03-14T15:09:26Z");
        var end = Utc("2028-03-14T15:09:26Z");

        Assert.Equal(macro, fromMacro.ToString());
        Assert.Equal(fromFields.GetOccurrences(start, end), fromMacro.GetOccurrences(start, end));
    }

    [Theory]
    [InlineData("@weekly", "2026-01-04T00:00:00Z")]
    [InlineData("@hourly", "2026-01-01T01:00:00Z")]
    [InlineData("@monthly", "2026-02-01T00:00:00Z")]
    [InlineData("@yearly", "2027-01-01T00:00:00Z")]
    public void Macros_FireWhenExpected(string macro, string expected) =>
        Assert.Equal(Utc(expected), CronExpression.Parse(macro).GetNextOccurrence(Utc("2026-01-01T00:00:00Z")));
}
