using Plugboard.Rpc.Client;
using Plugboard.Rpc.Server;

namespace Plugboard.Rpc.Tests.Infrastructure;

/// <summary>A real Kestrel gRPC server on 127.0.0.1:0 or a unix socket in a temp dir, with a channel to it.</summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly TempDirectory? _directory;

    private TestServer(RpcServer server, RpcChannel channel, TempDirectory? directory)
    {
        Server = server;
        Channel = channel;
        _directory = directory;
    }

    public RpcServer Server { get; }

    public RpcChannel Channel { get; }

    public IRpcCallInvoker Invoker => Channel.CallInvoker;

    public static async Task<TestServer> StartAsync(
        Action<RpcServiceBuilder> services,
        Transport transport = Transport.Tcp,
        Action<RpcServerOptions>? configureServer = null,
        Action<RpcChannelOptions>? configureChannel = null)
    {
        var directory = transport == Transport.Unix ? new TempDirectory() : null;
        var options = new RpcServerOptions { UnixSocketPath = directory?.File("rpc.sock") };
        configureServer?.Invoke(options);
        var server = await RpcServer.StartAsync(options, services);
        var channelOptions = new RpcChannelOptions();
        configureChannel?.Invoke(channelOptions);
        return new TestServer(server, RpcChannel.ForAddress(server.Address, channelOptions), directory);
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await Server.DisposeAsync();
        _directory?.Dispose();
    }
}
