using Google.Protobuf.WellKnownTypes;
using Plugboard.Rpc.Plugin;
using Plugboard.Rpc.Protocol;
using Plugboard.Rpc.Server;
using Plugboard.Rpc.Tests.Infrastructure;

namespace Plugboard.Rpc.Tests;

public sealed class PluginServiceTests
{
    private sealed class ConfiguredPlugin : PluginServiceBase
    {
        public Struct? Configuration { get; private set; }

        public override Task<InitResponse> Init(InitRequest request, ServerCallContext context)
        {
            Configuration = request.Configuration;
            var metadata = new Struct();
            metadata.Fields["pluginId"] = Value.ForString(request.PluginId);
            metadata.Fields["capabilities"] = Value.ForList(Value.ForString("users"), Value.ForString("departments"));
            return Task.FromResult(new InitResponse { Metadata = metadata });
        }

        public override Task<VerifyResponse> Verify(VerifyRequest request, ServerCallContext context) =>
            Task.FromResult(new VerifyResponse { Ready = false, Reason = "LDAP server ldap://directory.test:389 refused the bind: check bindPassword." });
    }

    [Fact]
    public async Task Init_carries_the_configuration_in_and_the_metadata_out()
    {
        var plugin = new ConfiguredPlugin();
        await using var server = await TestServer.StartAsync(services => services.AddPluginService(plugin), Transport.Unix);
        var configuration = new Struct();
        configuration.Fields["endpoint"] = Value.ForString("ldap://directory.test");
        configuration.Fields["pageSize"] = Value.ForNumber(50);
        configuration.Fields["tls"] = Value.ForBool(true);

        var response = await new PluginClient(server.Channel).InitAsync(new InitRequest { PluginId = "custom-ldap", Version = "1.0.0", Configuration = configuration });

        Assert.Equal(configuration, plugin.Configuration);
        Assert.Equal("custom-ldap", response.Metadata.Fields["pluginId"].StringValue);
        Assert.Equal(["users", "departments"], response.Metadata.Fields["capabilities"].ListValue.Values.Select(v => v.StringValue));
    }

    [Fact]
    public async Task Verify_says_why_a_plugin_is_not_ready()
    {
        await using var server = await TestServer.StartAsync(services => services.AddPluginService(new ConfiguredPlugin()));

        var response = await new PluginClient(server.Channel).VerifyAsync(new VerifyRequest());

        Assert.False(response.Ready);
        Assert.Contains("bindPassword", response.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_method_a_plugin_does_not_override_answers_Unimplemented()
    {
        await using var server = await TestServer.StartAsync(services => services.AddPluginService(new ConfiguredPlugin()));

        var error = await Assert.ThrowsAsync<RpcException>(() => new PluginClient(server.Channel).ShutdownAsync(new ShutdownRequest()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
    }
}
