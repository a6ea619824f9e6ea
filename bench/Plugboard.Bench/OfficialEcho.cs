using System.Net.Sockets;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plugboard.Bench.Protos;

namespace Plugboard.Bench;

/// <summary>
/// The echo on the official .NET gRPC stack with its default settings: Grpc.AspNetCore on Kestrel (HTTP/2 only,
/// a unix socket or loopback TCP) and a GrpcChannel on SocketsHttpHandler, measured beside the layer the project
/// wrote by hand before it moved.
/// </summary>
internal sealed class OfficialEcho : IAsyncDisposable
{
    private readonly WebApplication _server;
    private readonly GrpcChannel _channel;

    private OfficialEcho(WebApplication server, GrpcChannel channel)
    {
        _server = server;
        _channel = channel;
        Client = new Echo.EchoClient(channel);
    }

    public Echo.EchoClient Client { get; }

    public static async Task<OfficialEcho> StartAsync(string? socket)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            if (socket is null)
            {
                kestrel.Listen(System.Net.IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            }
            else
            {
                File.Delete(socket);
                kestrel.ListenUnixSocket(socket, listen => listen.Protocols = HttpProtocols.Http2);
            }
        });
        builder.Services.AddGrpc();
        var app = builder.Build();
        app.MapGrpcService<EchoService>();
        await app.StartAsync();

        var handler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true };
        string address;
        if (socket is null)
        {
            address = app.Urls.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal);
        }
        else
        {
            address = "http://localhost";
            handler.ConnectCallback = async (_, cancellationToken) =>
            {
                var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                await client.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                return new NetworkStream(client, ownsSocket: true);
            };
        }

        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions { HttpHandler = handler });
        return new OfficialEcho(app, channel);
    }

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    private sealed class EchoService : Echo.EchoBase
    {
        public override Task<StringValue> Echo(StringValue request, ServerCallContext context) => Task.FromResult(request);
    }
}
