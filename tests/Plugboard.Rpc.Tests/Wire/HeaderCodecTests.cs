using Plugboard.Rpc.Wire;

namespace Plugboard.Rpc.Tests.Wire;

public sealed class HeaderCodecTests
{
    [Theory]
    [InlineData(new byte[] { 1 })]
    [InlineData(new byte[] { 1, 2 })]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { 0, 255, 128, 7 })]
    public void Binary_values_are_sent_unpadded_and_read_padded_or_not(byte[] value)
    {
        var sent = HeaderCodec.EncodeBinaryValue(value);

        Assert.DoesNotContain('=', sent);
        Assert.Equal(value, HeaderCodec.DecodeBinaryValue(sent));
        Assert.Equal(value, HeaderCodec.DecodeBinaryValue(Convert.ToBase64String(value)));
    }

    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(500, StatusCode.Unknown)]
    public void HTTP_status_codes_map_as_the_specification_says(int httpStatus, StatusCode expected)
    {
        Assert.Equal(expected, HeaderCodec.FromHttpStatus(httpStatus));
    }
}
