using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Plugboard.Rpc.Protocol;
using Plugboard.Rpc.Tests.Infrastructure;
using UserSync.Rpc;

namespace Plugboard.Rpc.Tests.Interop;

/// <summary>
/// A real @grpc/grpc-js client (tests/interop-node/client.js) against the plugin SDK's server (Grpc.AspNetCore). The client runs
/// a fixed scenario once per transport; each test checks one part of what it saw.
/// </summary>
public sealed class NodeClientInteropTests(NodeClientInteropTests.Scenario scenario) : IClassFixture<NodeClientInteropTests.Scenario>
{
    public const string VerifyFailure = "Verbindung fehlgeschlagen: 用户 ✓ 100%";

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public void A_unary_call_from_node_carries_the_configuration_in_and_the_metadata_out(Transport transport)
    {
        var init = scenario.Results(transport).GetProperty("init");

        Assert.Equal(0, init.GetProperty("code").GetInt32());
        var fields = init.GetProperty("response").GetProperty("metadata").GetProperty("fields");
        Assert.Equal("custom-node-client", fields.GetProperty("pluginId").GetProperty("stringValue").GetString());
        Assert.Equal("1.2.3", fields.GetProperty("version").GetProperty("stringValue").GetString());
        Assert.Equal("ldap://directory.test", fields.GetProperty("endpoint").GetProperty("stringValue").GetString());
        Assert.Equal(50, fields.GetProperty("pageSize").GetProperty("numberValue").GetDouble());
    }

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public void Metadata_from_node_reaches_the_handler_and_comes_back_in_headers_and_trailers(Transport transport)
    {
        var init = scenario.Results(transport).GetProperty("init");

        Assert.Equal("plugboard", init.GetProperty("headers").GetProperty("x-served-by").GetString());
        Assert.Equal("req-42", init.GetProperty("trailers").GetProperty("x-request-id").GetString());
        Assert.Equal("base64:" + Convert.ToBase64String([0, 1, 2, 250, 255]), init.GetProperty("trailers").GetProperty("x-trace-bin").GetString());
    }

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public void An_error_status_with_a_non_ASCII_message_reaches_node_intact(Transport transport)
    {
        var verify = scenario.Results(transport).GetProperty("verify");

        Assert.Equal((int)StatusCode.FailedPrecondition, verify.GetProperty("code").GetInt32());
        Assert.Equal(VerifyFailure, verify.GetProperty("details").GetString());
    }

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public void A_method_the_plugin_does_not_implement_is_Unimplemented_for_node(Transport transport)
    {
        var shutdown = scenario.Results(transport).GetProperty("shutdown");

        Assert.Equal((int)StatusCode.Unimplemented, shutdown.GetProperty("code").GetInt32());
    }

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public void A_server_stream_reaches_node_whole_and_in_order(Transport transport)
    {
        var listUsers = scenario.Results(transport).GetProperty("listUsers");

        Assert.Equal(0, listUsers.GetProperty("code").GetInt32());
        var ids = listUsers.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("id").GetString()).ToList();
        Assert.Equal(Enumerable.Range(1, 25).Select(i => $"u{i}"), ids);
        Assert.Equal("User 7", listUsers.GetProperty("messages")[6].GetProperty("displayName").GetString());
    }

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public async Task A_node_deadline_ends_the_call_with_DeadlineExceeded_and_cancels_the_handler(Transport transport)
    {
        var deadline = scenario.Results(transport).GetProperty("deadline");

        Assert.Equal((int)StatusCode.DeadlineExceeded, deadline.GetProperty("code").GetInt32());
        await scenario.Service(transport).TestConnectionCancelled.Task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public void Node_checks_health_with_the_standard_protocol(Transport transport)
    {
        var results = scenario.Results(transport);

        Assert.Equal("SERVING", results.GetProperty("health").GetProperty("response").GetProperty("status").GetString());
        Assert.Equal((int)StatusCode.NotFound, results.GetProperty("healthUnknown").GetProperty("code").GetInt32());
    }

    /// <summary>Starts the Plugboard server on both transports and runs client.js against each, once.</summary>
    public sealed class Scenario : IAsyncLifetime
    {
        private readonly Dictionary<Transport, JsonElement> _results = [];
        private readonly Dictionary<Transport, ScenarioService> _services = [];

        public JsonElement Results(Transport transport) => _results[transport];

        public ScenarioService Service(Transport transport) => _services[transport];

        public async Task InitializeAsync()
        {
            foreach (var transport in new[] { Transport.Tcp, Transport.Unix })
            {
                var service = new ScenarioService();
                await using var server = await TestServer.StartAsync(
                    plugin =>
                    {
                        plugin.Services.AddSingleton(service).AddSingleton(service.DataSource);
                        plugin.AddGrpcService<ScenarioService>().AddGrpcService<ScenarioDataSource>();
                    },
                    transport);
                var output = await NodePeers.RunClientAsync(server.Target);
                using var document = JsonDocument.Parse(output);
                _results[transport] = document.RootElement.Clone();
                _services[transport] = service;
            }
        }

        public Task DisposeAsync() => Task.CompletedTask;
    }

    public sealed class ScenarioService : Plugin.PluginBase
    {
        public ScenarioService() => DataSource = new ScenarioDataSource(this);

        public ScenarioDataSource DataSource { get; }

        public TaskCompletionSource TestConnectionCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async Task<InitResponse> Init(InitRequest request, ServerCallContext context)
        {
            await context.WriteResponseHeadersAsync(new Metadata { { "x-served-by", "plugboard" } });
            if (context.RequestHeaders.GetValue("x-request-id") is { } requestId)
            {
                context.ResponseTrailers.Add("x-request-id", requestId);
            }

            if (context.RequestHeaders.Get("x-trace-bin")?.ValueBytes is { } trace)
            {
                context.ResponseTrailers.Add("x-trace-bin", trace);
            }

            var metadata = new Struct();
            metadata.Fields["pluginId"] = Value.ForString(request.PluginId);
            metadata.Fields["version"] = Value.ForString(request.Version);
            foreach (var (key, value) in request.Configuration.Fields)
            {
                metadata.Fields[key] = value;
            }

            return new InitResponse { Metadata = metadata };
        }

        public override Task<VerifyResponse> Verify(VerifyRequest request, ServerCallContext context) =>
            throw new RpcException(new Status(StatusCode.FailedPrecondition, VerifyFailure));
    }

    public sealed class ScenarioDataSource(ScenarioService owner) : DataSource.DataSourceBase
    {
        public override async Task ListUsers(ListUsersRequest request, IServerStreamWriter<User> responses, ServerCallContext context)
        {
            var count = int.Parse(context.RequestHeaders.GetValue("x-count") ?? "3", System.Globalization.CultureInfo.InvariantCulture);
            for (var i = 1; i <= count; i++)
            {
                await responses.WriteAsync(new User { Id = $"u{i}", UserName = $"user{i}", DisplayName = $"User {i}" });
            }
        }

        public override async Task<TestConnectionResponse> TestConnection(TestConnectionRequest request, ServerCallContext context)
        {
            try
            {
                await Task.Delay(Timeout.Infinite, context.CancellationToken);
            }
            catch (OperationCanceledException)
            {
                owner.TestConnectionCancelled.TrySetResult();
                throw;
            }

            return new TestConnectionResponse { Ok = true };
        }
    }
}
