using Plugboard.Rpc.Handshake;

namespace Plugboard.Rpc.Tests.Handshake;

public sealed class HandshakeLineTests
{
    [Fact]
    public void A_unix_socket_line_reads_into_its_five_fields()
    {
        var line = HandshakeLine.Parse("1|1|unix|/tmp/plugboard-1/plugin.sock|grpc\n");

        Assert.Equal(1, line.CoreProtocolVersion);
        Assert.Equal(1, line.AppProtocolVersion);
        Assert.Equal(RpcEndpoint.Unix("/tmp/plugboard-1/plugin.sock"), line.Endpoint);
        Assert.Equal("grpc", line.Protocol);
        Assert.Equal("unix:///tmp/plugboard-1/plugin.sock", line.Endpoint.ToChannelAddress());
    }

    [Fact]
    public void A_tcp_line_gives_an_http_channel_address()
    {
        var line = HandshakeLine.Parse("1|1|tcp|127.0.0.1:10234|grpc");

        Assert.Equal("http://127.0.0.1:10234", line.Endpoint.ToChannelAddress());
    }

    [Fact]
    public void A_sixth_field_as_go_plugin_may_print_is_ignored()
    {
        var line = HandshakeLine.Parse("1|1|tcp|127.0.0.1:10234|grpc|MIIBkTCB+wIJ");

        Assert.Equal("grpc", line.Protocol);
    }

    [Fact]
    public void A_line_prints_as_it_parses()
    {
        var line = HandshakeLine.ForGrpc(RpcEndpoint.Unix("/run/p.sock"));

        Assert.Equal("1|1|unix|/run/p.sock|grpc", line.ToString());
        Assert.Equal(line, HandshakeLine.Parse(line.ToString()));
    }

    [Theory]
    [InlineData("Starting plugin...")]
    [InlineData("1|1|unix|/p.sock")]
    [InlineData("x|1|unix|/p.sock|grpc")]
    [InlineData("1|1|udp|/p.sock|grpc")]
    [InlineData("1|1|tcp||grpc")]
    public void Anything_else_is_not_a_handshake_line(string text)
    {
        Assert.False(HandshakeLine.TryParse(text, out _));
        Assert.Throws<FormatException>(() => HandshakeLine.Parse(text));
    }

    [Theory]
    [InlineData("1", new[] { 1 }, 1)]
    [InlineData("1,2", new[] { 1, 2 }, 2)]
    [InlineData("1, 2", new[] { 1 }, 1)]
    [InlineData("", new[] { 1 }, 1)]
    [InlineData(null, new[] { 1, 2 }, 1)]
    [InlineData("2", new[] { 1 }, null)]
    public void The_plugin_answers_the_highest_version_both_sides_speak(string? offered, int[] supported, int? expected)
    {
        Assert.Equal(expected, PluginHandshake.NegotiateAppVersion(offered, supported));
    }
}
