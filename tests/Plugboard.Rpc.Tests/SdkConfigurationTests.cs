using System.Text.Json;
using System.Text.Json.Serialization;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Plugboard.Rpc.Protocol;
using Plugboard.Rpc.Tests.Infrastructure;

namespace Plugboard.Rpc.Tests;

/// <summary>The SDK binds Init's configuration with a source-generated serializer when the plugin gives one (Native AOT needs no reflection).</summary>
public sealed class SdkConfigurationTests
{
    [Fact]
    public async Task Init_binds_the_configuration_with_the_plugins_source_generated_type_info()
    {
        var plugin = new ConfiguredPlugin();
        await using var server = await TestServer.StartAsync(builder =>
        {
            builder.Services.AddSingleton(plugin);
            builder.AddPlugin<ConfiguredPlugin>().AddConfiguration(ConfiguredPluginJson.Default.ConfiguredPluginConfig);
        });

        await new Plugin.PluginClient(server.Invoker).InitAsync(new InitRequest
        {
            PluginId = "configured",
            Version = "1.0.0",
            Configuration = Struct.Parser.ParseJson("""{ "usersFile": "people.csv", "batchSize": 7 }"""),
        });

        var typed = Assert.IsType<ConfiguredPluginConfig>(plugin.Context!.TypedConfiguration);
        Assert.Equal("people.csv", typed.UsersFile);
        Assert.Equal(7, typed.BatchSize);
        Assert.Same(typed, plugin.Context.GetConfiguration<ConfiguredPluginConfig>());
    }

    [Fact]
    public async Task A_configuration_the_type_info_cannot_bind_fails_Init_with_the_reason()
    {
        var plugin = new ConfiguredPlugin();
        await using var server = await TestServer.StartAsync(builder =>
        {
            builder.Services.AddSingleton(plugin);
            builder.AddPlugin<ConfiguredPlugin>().AddConfiguration(ConfiguredPluginJson.Default.ConfiguredPluginConfig);
        });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new Plugin.PluginClient(server.Invoker).InitAsync(new InitRequest
        {
            PluginId = "configured",
            Version = "1.0.0",
            Configuration = Struct.Parser.ParseJson("""{ "batchSize": "seven" }"""),
        }));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Contains("batchSize", error.Status.Detail, StringComparison.Ordinal);
        Assert.Null(plugin.Context);
    }
}

public sealed class ConfiguredPluginConfig
{
    public string UsersFile { get; set; } = "users.csv";

    public int BatchSize { get; set; } = 100;
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ConfiguredPluginConfig))]
internal sealed partial class ConfiguredPluginJson : JsonSerializerContext;

public sealed class ConfiguredPlugin : IPlugin
{
    public PluginContext? Context { get; private set; }

    public ValueTask<PluginMetadata> InitAsync(PluginContext context, CancellationToken cancellationToken)
    {
        Context = context;
        return new(PluginMetadata.Empty);
    }

    public ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) => new(VerifyResult.Ready());

    public ValueTask DisposeAsync() => default;
}
