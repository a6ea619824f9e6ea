using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Builder;
using Plugboard.Hosting.Rpc.Channels;
using Plugboard.PluginSdk;

namespace Plugboard.Rpc.Tests.Infrastructure;

/// <summary>
/// The plugin SDK's gRPC server (Kestrel, HTTP/2 only) started in-process on 127.0.0.1 or a unix socket in a temp
/// directory, with the host's channel to it.
/// </summary>
public sealed class TestServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TempFolder? _directory;

    private TestServer(WebApplication app, RpcEndpoint endpoint, PluginChannel channel, TempFolder? directory)
    {
        _app = app;
        Endpoint = endpoint;
        Channel = channel;
        _directory = directory;
    }

    public RpcEndpoint Endpoint { get; }

    public PluginChannel Channel { get; }

    public CallInvoker Invoker => Channel.Invoker;

    /// <summary>The address a peer dials: <c>unix:///path</c> or <c>127.0.0.1:port</c>.</summary>
    public string Target => Endpoint.Network == RpcEndpoint.UnixNetwork ? "unix://" + Endpoint.Address : Endpoint.Address;

    public static async Task<TestServer> StartAsync(
        Action<PluginServerBuilder> services,
        Transport transport = Transport.Tcp,
        PluginChannelSettings? channel = null,
        X509Certificate2? serverCertificate = null,
        X509Certificate2? trustedClientAuthority = null)
    {
        var directory = transport == Transport.Unix ? new TempFolder() : null;
        var endpoint = directory is null ? RpcEndpoint.Tcp(new IPEndPoint(IPAddress.Loopback, FreePort.Next())) : RpcEndpoint.Unix(directory.Combine("rpc.sock"));
        var app = await PluginServer.StartAsync(endpoint, services, serverCertificate, trustedClientAuthority, CancellationToken.None);
        var settings = channel ?? new PluginChannelSettings();
        return new TestServer(app, endpoint, PluginChannel.ForEndpoint(endpoint, settings), directory);
    }

    /// <summary>Serves <paramref name="echo"/> (and the SDK's lifecycle and health services).</summary>
    public static Task<TestServer> StartAsync(
        EchoService echo,
        Transport transport = Transport.Tcp,
        PluginChannelSettings? channel = null,
        Action<GrpcServiceOptions>? grpc = null,
        X509Certificate2? serverCertificate = null,
        X509Certificate2? trustedClientAuthority = null) =>
        StartAsync(
            plugin =>
            {
                plugin.Services.AddSingleton(echo);
                plugin.AddGrpcService<EchoService>();
                if (grpc is not null)
                {
                    plugin.ConfigureGrpc(grpc);
                }
            },
            transport,
            channel,
            serverCertificate,
            trustedClientAuthority);

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _directory?.Dispose();
    }
}
