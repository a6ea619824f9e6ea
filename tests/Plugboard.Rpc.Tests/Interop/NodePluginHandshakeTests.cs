using Grpc.Core;
using Grpc.Health.V1;
using Plugboard.Hosting.Rpc.Channels;
using Plugboard.Rpc.Handshake;
using Plugboard.Rpc.Protocol;
using Plugboard.Rpc.Tests.Infrastructure;
using UserSync.Rpc;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Plugboard.Rpc.Tests.Interop;

/// <summary>
/// The Node plugin printed in docs/protocol.md (tests/interop-node/plugin.js), started through the handshake
/// the document specifies, then driven over gRPC: proves the document describes a plugin that works.
/// </summary>
public sealed class NodePluginHandshakeTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_documented_node_plugin_completes_the_handshake_and_serves_its_services()
    {
        using var socketDirectory = new TempFolder("rpc");
        using var process = await NodePeers.StartNodeAsync("plugin.js", new Dictionary<string, string>
        {
            [PluginHandshake.MagicCookieKey] = PluginHandshake.MagicCookieValue,
            [PluginHandshake.ProtocolVersionsVariable] = "1",
            [PluginHandshake.UnixSocketDirectoryVariable] = socketDirectory.Path,
        });
        try
        {
            var line = await process.StandardOutput.ReadLineAsync().WaitAsync(Patience);
            var handshake = HandshakeLine.Parse(line ?? throw new InvalidOperationException("The plugin closed stdout without a handshake line."));

            Assert.Equal(PluginHandshake.CoreProtocolVersion, handshake.CoreProtocolVersion);
            Assert.Equal(1, handshake.AppProtocolVersion);
            Assert.Equal(RpcEndpoint.UnixNetwork, handshake.Endpoint.Network);
            Assert.StartsWith(socketDirectory.Path, handshake.Endpoint.Address, StringComparison.Ordinal);
            Assert.Equal(PluginHandshake.GrpcProtocol, handshake.Protocol);

            using var channel = PluginChannel.ForEndpoint(handshake.Endpoint, new PluginChannelSettings());
            var health = await new Health.HealthClient(channel.Invoker).CheckAsync(new HealthCheckRequest());
            var plugin = new Plugin.PluginClient(channel.Invoker);
            var init = await plugin.InitAsync(new InitRequest { PluginId = "custom-node", Version = "1.0.0", Configuration = new() });
            var verify = await plugin.VerifyAsync(new VerifyRequest());
            using var listUsers = new DataSource.DataSourceClient(channel.Invoker).ListUsers(new ListUsersRequest());
            var users = await listUsers.ResponseStream.ReadAllAsync().ToListAsync();
            await plugin.ShutdownAsync(new ShutdownRequest());

            Assert.Equal(ServingStatus.Serving, health.Status);
            Assert.Equal("users", init.Metadata.Fields["capabilities"].ListValue.Values[0].StringValue);
            Assert.True(verify.Ready);
            Assert.Equal("ada", Assert.Single(users).UserName);

            // Closing stdin tells the plugin its host is gone: it exits by itself.
            process.StandardInput.Close();
            await process.WaitForExitAsync().WaitAsync(Patience);
            Assert.Equal(0, process.ExitCode);
        }
        finally
        {
            NodePeers.Stop(process);
        }
    }

    [Fact]
    public void The_tested_node_plugin_is_the_one_printed_in_the_protocol_document()
    {
        var document = File.ReadAllText(Path.Combine(NodePeers.Directory, "..", "..", "docs", "protocol.md"));
        var section = document[document.IndexOf("## Writing a plugin in Node.js", StringComparison.Ordinal)..];
        var start = section.IndexOf("```js\n", StringComparison.Ordinal) + "```js\n".Length;
        var printed = section[start..section.IndexOf("```\n", start, StringComparison.Ordinal)];
        var tested = File.ReadAllText(Path.Combine(NodePeers.Directory, "plugin.js"));

        static string Normalize(string code) => string.Join('\n', code.Split('\n')
            .Where(line => !line.StartsWith("//", StringComparison.Ordinal) && !line.StartsWith("'use strict'", StringComparison.Ordinal))
            .Select(line => line.StartsWith("const protoRoot", StringComparison.Ordinal) ? "const protoRoot = …" : line)).Trim();

        Assert.Equal(Normalize(printed), Normalize(tested));
    }

    [Fact]
    public async Task The_documented_node_plugin_refuses_to_run_without_the_magic_cookie()
    {
        using var process = await NodePeers.StartNodeAsync("plugin.js");
        try
        {
            var errors = process.StandardError.ReadToEndAsync();
            var output = await process.StandardOutput.ReadToEndAsync().WaitAsync(Patience);
            await process.WaitForExitAsync().WaitAsync(Patience);

            Assert.Equal(1, process.ExitCode);
            Assert.Equal(string.Empty, output);
            Assert.Contains("Plugboard plugin", await errors, StringComparison.Ordinal);
        }
        finally
        {
            NodePeers.Stop(process);
        }
    }
}
