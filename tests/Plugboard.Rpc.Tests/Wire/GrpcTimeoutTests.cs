using Plugboard.Rpc.Wire;

namespace Plugboard.Rpc.Tests.Wire;

public sealed class GrpcTimeoutTests
{
    [Theory]
    [InlineData("1H", 3600_000)]
    [InlineData("2M", 120_000)]
    [InlineData("30S", 30_000)]
    [InlineData("250m", 250)]
    [InlineData("1500u", 1.5)]
    [InlineData("2000000n", 2)]
    [InlineData("99999999m", 99_999_999)]
    public void Parses_every_unit(string value, double milliseconds)
    {
        Assert.True(GrpcTimeout.TryParse(value, out var timeout));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), timeout);
    }

    [Theory]
    [InlineData("")]
    [InlineData("S")]
    [InlineData("10")]
    [InlineData("10s")]
    [InlineData("123456789S")]
    [InlineData("-5S")]
    [InlineData("1.5S")]
    public void Refuses_what_the_specification_does_not_allow(string value)
    {
        Assert.False(GrpcTimeout.TryParse(value, out _));
    }

    [Theory]
    [InlineData(50, "50000000n")]
    [InlineData(250, "250000u")]
    [InlineData(2 * 3_600_000, "7200000m")]
    [InlineData(30L * 86_400_000, "2592000S")]
    public void Formats_in_the_most_precise_unit_that_fits_eight_digits(double milliseconds, string expected)
    {
        Assert.Equal(expected, GrpcTimeout.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(1)]
    [InlineData(999)]
    [InlineData(60_000)]
    [InlineData(86_400_000)]
    [InlineData(30L * 86_400_000)]
    public void Formatting_never_shortens_the_timeout_and_round_trips(double milliseconds)
    {
        var timeout = TimeSpan.FromMilliseconds(milliseconds);
        var formatted = GrpcTimeout.Format(timeout);

        Assert.InRange(formatted.Length, 2, 9);
        Assert.True(GrpcTimeout.TryParse(formatted, out var parsed));
        Assert.True(parsed >= timeout, $"{formatted} is shorter than {timeout}");
    }
}
