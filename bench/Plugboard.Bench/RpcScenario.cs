using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Plugboard.Bench.Protos;
using Plugboard.Hosting.Rpc;
using Plugboard.Hosting.Rpc.Supervision;
using Plugboard.PluginSdk;
using Plugboard.Rpc;

namespace Plugboard.Bench;

/// <summary>
/// The cost of a gRPC call to an out-of-process plugin against its floor on this machine: the plugin SDK's server
/// (Grpc.AspNetCore on Kestrel) called through a host's plugin connection (Grpc.Net.Client with the host's
/// interceptors), against a raw HTTP/2 echo on the same Kestrel settings, sent by a SocketsHttpHandler set up as the
/// host's, over the same kind of unix socket.
/// </summary>
internal static class RpcScenario
{
    private const string Name = "rpc";

    public static async Task RunAsync(string workDirectory, string repository, int calls, int starts, string? aotPlugin)
    {
        if (calls <= 0)
        {
            // --calls 0: the start-up figures only.
            await ProcessStart.RunAsync(Path.Combine(workDirectory, "rpc"), repository, rounds: starts, aotPlugin);
            return;
        }

        var root = Path.Combine(workDirectory, "rpc");
        Directory.CreateDirectory(root);
        var payload = new StringValue { Value = new string('x', 64) };

        // The floor, gRPC over a unix socket and gRPC over TCP are measured in interleaved rounds so
        // that a noisy moment of this shared machine hits all three alike.
        await using var floor = await RawEcho.StartAsync(Path.Combine(root, "floor.sock"));
        var socket = Path.Combine(root, "echo.sock");
        File.Delete(socket);
        // The echo service registered as the C# sample registers its service: one instance for every call.
        await using var udsServer = await PluginServer.StartAsync(RpcEndpoint.Unix(socket), AsTheSample, null, null, CancellationToken.None);
        var port = FreePort();
        await using var tcpServer = await PluginServer.StartAsync(RpcEndpoint.Tcp(new IPEndPoint(IPAddress.Loopback, port)), AsTheSample, null, null, CancellationToken.None);
        await using var udsPlugin = await ConnectAsync("unix://" + socket);
        await using var tcpPlugin = await ConnectAsync($"http://127.0.0.1:{port}");
        var uds = new Echo.EchoClient(udsPlugin.CallInvoker);
        // The same channel without the host's interceptors: what they cost.
        using var bareChannel = Plugboard.Hosting.Rpc.Channels.PluginChannel.ForAddress("unix://" + socket, new Plugboard.Hosting.Rpc.Channels.PluginChannelSettings());
        var bare = new Echo.EchoClient(bareChannel.Invoker);
        var tcp = new Echo.EchoClient(tcpPlugin.CallInvoker);
        // The server with Grpc.AspNetCore's default activation instead: a service instance created per call.
        var perCallSocket = Path.Combine(root, "echo-per-call.sock");
        File.Delete(perCallSocket);
        await using var perCallServer = await PluginServer.StartAsync(RpcEndpoint.Unix(perCallSocket), b => b.AddGrpcService<EchoService>(), null, null, CancellationToken.None);
        await using var perCallPlugin = await ConnectAsync("unix://" + perCallSocket);
        var perCall = new Echo.EchoClient(perCallPlugin.CallInvoker);
        var bytes = payload.ToByteArray();

        // What bounds a call costs on the bare channel: a gRPC deadline (a timer in the client, grpc-timeout on the wire, a
        // timer in the server), or the caller's token cancelled after the same time (a timer in the client only).
        var timeout = new RpcPluginOptions().CallTimeout;
        Task<StringValue> WithDeadline() => bare.EchoAsync(payload, deadline: DateTime.UtcNow + timeout).ResponseAsync;
        async Task<StringValue> WithToken()
        {
            using var bound = new CancellationTokenSource(timeout);
            return await bare.EchoAsync(payload, cancellationToken: bound.Token);
        }

        List<double> floorSamples = [], udsSamples = [], tcpSamples = [], bareSamples = [], deadlineSamples = [], tokenSamples = [], perCallSamples = [];
        const int rounds = 5;
        for (var round = 0; round < rounds; round++)
        {
            floorSamples.AddRange(await LatencyAsync(async () => StringValue.Parser.ParseFrom(await floor.EchoAsync(bytes)), calls / rounds));
            udsSamples.AddRange(await LatencyAsync(() => uds.EchoAsync(payload).ResponseAsync, calls / rounds));
            tcpSamples.AddRange(await LatencyAsync(() => tcp.EchoAsync(payload).ResponseAsync, calls / rounds));
            bareSamples.AddRange(await LatencyAsync(() => bare.EchoAsync(payload).ResponseAsync, calls / rounds));
            deadlineSamples.AddRange(await LatencyAsync(WithDeadline, calls / rounds));
            tokenSamples.AddRange(await LatencyAsync(WithToken, calls / rounds));
            perCallSamples.AddRange(await LatencyAsync(() => perCall.EchoAsync(payload).ResponseAsync, calls / rounds));
        }

        var floorP50 = Figure.Percentile(floorSamples, 50);
        var udsP50 = Figure.Percentile(udsSamples, 50);
        Figure.Print(Name, "rpc_floor_p50_us", floorP50, "us");
        Figure.Print(Name, "rpc_floor_p99_us", Figure.Percentile(floorSamples, 99), "us");
        Figure.Print(Name, "rpc_uds_p50_us", udsP50, "us");
        Figure.Print(Name, "rpc_uds_p99_us", Figure.Percentile(udsSamples, 99), "us");
        Figure.Print(Name, "rpc_tcp_p50_us", Figure.Percentile(tcpSamples, 50), "us");
        Figure.Print(Name, "rpc_uds_bare_channel_p50_us", Figure.Percentile(bareSamples, 50), "us");
        Figure.Print(Name, "rpc_uds_bare_deadline_p50_us", Figure.Percentile(deadlineSamples, 50), "us");
        Figure.Print(Name, "rpc_uds_bare_token_timeout_p50_us", Figure.Percentile(tokenSamples, 50), "us");
        Figure.Print(Name, "rpc_uds_per_call_service_p50_us", Figure.Percentile(perCallSamples, 50), "us");
        Figure.Print(Name, "rpc_overhead_ratio", udsP50 / floorP50, "ratio");
        Figure.Print(Name, "rpc_calls_per_s_c16", await ThroughputAsync(uds, payload, 16, calls * 2), "calls/s");

        // The same echo as an in-process call through an interface, for scale.
        // One call is below the timer's resolution, so each sample is the mean of a batch of 1000.
        IEchoService inproc = new InProcessEcho();
        var local = await LatencyAsync(async () =>
        {
            StringValue? last = null;
            for (var i = 0; i < 1000; i++)
            {
                last = await inproc.EchoAsync(payload);
            }

            return last!;
        }, Math.Max(100, calls / 100));
        Figure.Print(Name, "inproc_p50_us", Figure.Percentile(local, 50) / 1000, "us");

        if (starts > 0)
        {
            await ProcessStart.RunAsync(root, repository, rounds: starts, aotPlugin);
        }
    }

    private static void AsTheSample(PluginServerBuilder plugin)
    {
        plugin.Services.AddSingleton<EchoService>();
        plugin.AddGrpcService<EchoService>();
    }

    // What a host holds for an endpoint plugin: calls go through its interceptors (plugin id, logging and metrics,
    // deadline, fail-fast), as every call to a plugin does.
    private static async Task<EndpointPluginConnection> ConnectAsync(string address)
    {
        var connection = new EndpointPluginConnection("bench-echo", address, new RpcPluginOptions(), NullLogger.Instance);
        await connection.StartAsync(CancellationToken.None);
        return connection;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Per-call latencies in microseconds, after a warm-up.</summary>
    private static async Task<List<double>> LatencyAsync<T>(Func<Task<T>> call, int calls)
    {
        for (var i = 0; i < Math.Min(500, calls); i++)
        {
            await call();
        }

        var samples = new List<double>(calls);
        for (var i = 0; i < calls; i++)
        {
            var start = Stopwatch.GetTimestamp();
            await call();
            samples.Add(Stopwatch.GetElapsedTime(start).TotalMicroseconds);
        }

        return samples;
    }

    private static async Task<double> ThroughputAsync(Echo.EchoClient client, StringValue payload, int callers, int calls)
    {
        var remaining = calls;
        var stopwatch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, callers).Select(async _ =>
        {
            while (Interlocked.Decrement(ref remaining) >= 0)
            {
                await client.EchoAsync(payload);
            }
        }));
        return calls / stopwatch.Elapsed.TotalSeconds;
    }

    /// <summary>
    /// A plain HTTP/2 POST whose body Kestrel echoes, over a unix socket, with a SocketsHttpHandler set up
    /// as the gRPC client's: the least any HTTP/2 request/response costs here.
    /// </summary>
    private sealed class RawEcho : IAsyncDisposable
    {
        private static readonly Uri Address = new("http://localhost/echo");
        private readonly WebApplication _server;
        private readonly SocketsHttpHandler _handler;
        private readonly HttpMessageInvoker _http;

        private RawEcho(WebApplication server, SocketsHttpHandler handler)
        {
            _server = server;
            _handler = handler;
            _http = new HttpMessageInvoker(handler);
        }

        public static async Task<RawEcho> StartAsync(string socket)
        {
            File.Delete(socket);
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.ListenUnixSocket(socket, listen => listen.Protocols = HttpProtocols.Http2));
            var server = builder.Build();
            server.MapPost("/echo", async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                context.Response.ContentType = "application/octet-stream";
                await context.Response.Body.WriteAsync(body.GetBuffer().AsMemory(0, (int)body.Length));
            });
            await server.StartAsync();
            var handler = new SocketsHttpHandler
            {
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    await client.ConnectAsync(new UnixDomainSocketEndPoint(socket), cancellationToken);
                    return new NetworkStream(client, ownsSocket: true);
                },
            };
            return new RawEcho(server, handler);
        }

        public async Task<byte[]> EchoAsync(byte[] body)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, Address)
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
                Content = new ByteArrayContent(body),
            };
            using var response = await _http.SendAsync(request, CancellationToken.None);
            return await response.Content.ReadAsByteArrayAsync();
        }

        public async ValueTask DisposeAsync()
        {
            _http.Dispose();
            _handler.Dispose();
            await _server.StopAsync();
            await _server.DisposeAsync();
        }
    }

    private sealed class EchoService : Echo.EchoBase
    {
        public override Task<StringValue> Echo(StringValue request, ServerCallContext context) => Task.FromResult(request);
    }

    private interface IEchoService
    {
        Task<StringValue> EchoAsync(StringValue request);
    }

    private sealed class InProcessEcho : IEchoService
    {
        public Task<StringValue> EchoAsync(StringValue request) => Task.FromResult(request);
    }
}
