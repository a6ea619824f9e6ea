using Microsoft.Extensions.Logging;
using Plugboard.Hosting.Rpc.Handshake;
using Plugboard.Hosting.Rpc.Processes;
using Plugboard.Hosting.Rpc.Supervision;

namespace Plugboard.Hosting.Rpc.Tests;

/// <summary>How manifest entries, handshake answers, endpoint addresses and stderr lines are read.</summary>
public sealed class ParsingTests
{
    private static readonly string Folder = Path.GetTempPath();

    [Fact]
    public void A_command_line_entry_runs_a_program_from_PATH_with_its_arguments()
    {
        var command = PluginCommand.Parse("node index.js --verbose", Folder);

        Assert.Equal("node", command.Program);
        Assert.Equal(["index.js", "--verbose"], command.Arguments);
    }

    [Fact]
    public void A_path_entry_runs_the_program_inside_the_plugin_folder()
    {
        var command = PluginCommand.Parse("bin/my-plugin", "/opt/plugins/custom-x");

        Assert.Equal(Path.GetFullPath("/opt/plugins/custom-x/bin/my-plugin"), command.Program);
        Assert.Empty(command.Arguments);
    }

    [Fact]
    public void Quotes_keep_spaces_in_one_argument_and_no_shell_interprets_the_rest()
    {
        var command = PluginCommand.Parse("dotnet \"My Plugin.dll\" '$HOME' a\\b \"say \\\"hi\\\"\"", Folder);

        Assert.Equal(["My Plugin.dll", "$HOME", "a\\b", "say \"hi\""], command.Arguments);
    }

    [Fact]
    public void An_unclosed_quote_is_refused()
    {
        var error = Assert.Throws<FormatException>(() => PluginCommand.Parse("node 'index.js", Folder));
        Assert.Contains("unclosed ' quote", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_five_field_answer_has_no_certificate()
    {
        Assert.True(PluginAnswer.TryParse("1|1|unix|/tmp/pb-1/plugin.sock|grpc\n", out var answer, out _));

        Assert.Equal("/tmp/pb-1/plugin.sock", answer!.Line.Endpoint.Address);
        Assert.Null(answer.ServerCertificate);
    }

    [Fact]
    public void A_sixth_field_is_the_server_certificate_in_unpadded_base64()
    {
        byte[] der = [0x30, 0x82, 0x01, 0x0a, 0xff];

        Assert.True(PluginAnswer.TryParse($"1|1|tcp|127.0.0.1:10001|grpc|{Convert.ToBase64String(der).TrimEnd('=')}", out var answer, out _));

        Assert.Equal(der, answer!.ServerCertificate);
    }

    [Theory]
    [InlineData("Listening on port 5000")]
    [InlineData("1|1|carrier-pigeon|somewhere|grpc")]
    [InlineData("")]
    public void A_line_that_is_not_a_handshake_is_noise_with_a_reason(string line)
    {
        Assert.False(PluginAnswer.TryParse(line, out _, out var problem));
        Assert.False(string.IsNullOrEmpty(problem));
    }

    [Theory]
    [InlineData("grpc://ldap-plugin:5000", "http://ldap-plugin:5000")]
    [InlineData("grpcs://ldap-plugin:5001", "https://ldap-plugin:5001")]
    [InlineData("unix:///run/plugin.sock", "unix:///run/plugin.sock")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000")]
    [InlineData("ldap-plugin:5000", "http://ldap-plugin:5000")]
    public void Endpoint_addresses_become_channel_addresses(string address, string expected)
    {
        Assert.Equal(expected, EndpointPluginConnection.ToChannelAddress(address));
    }

    [Fact]
    public void An_endpoint_address_without_a_port_is_refused_with_the_forms_accepted()
    {
        var error = Assert.Throws<FormatException>(() => EndpointPluginConnection.ToChannelAddress("ldap-plugin"));
        Assert.Contains("grpc://host:port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hclog_json_lines_on_stderr_keep_their_level_and_message()
    {
        Assert.Equal((LogLevel.Warning, "disk almost full"), StderrLine.Read("{\"@level\":\"warn\",\"@message\":\"disk almost full\",\"@timestamp\":\"2024-01-01T00:00:00Z\"}"));
        Assert.Equal((LogLevel.Information, "plain text"), StderrLine.Read("plain text"));
        Assert.Equal((LogLevel.Information, "{not json \"@message\""), StderrLine.Read("{not json \"@message\""));
    }
}
