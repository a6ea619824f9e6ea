using Plugboard.Rpc.Wire;

namespace Plugboard.Rpc.Tests.Wire;

public sealed class PercentEncodingTests
{
    [Theory]
    [InlineData("plain text (ok)", "plain text (ok)")]
    [InlineData("100%", "100%25")]
    [InlineData("ü", "%C3%BC")]
    [InlineData("a\nb", "a%0Ab")]
    [InlineData("✓", "%E2%9C%93")]
    public void Encodes_UTF8_bytes_outside_printable_ASCII_and_the_percent_sign(string text, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Encode(text));
        Assert.Equal(text, PercentEncoding.Decode(expected));
    }

    [Theory]
    [InlineData("50% off", "50% off")]
    [InlineData("%zz", "%zz")]
    [InlineData("end%", "end%")]
    [InlineData("%c3%bc", "ü")]
    public void Decoding_keeps_malformed_sequences_as_they_are(string value, string expected)
    {
        Assert.Equal(expected, PercentEncoding.Decode(value));
    }
}
