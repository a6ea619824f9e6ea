using Grpc.Health.V1;
using Plugboard.Rpc.Client;
using Plugboard.Rpc.Health;
using Plugboard.Rpc.Tests.Infrastructure;
using UserSync.Rpc;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Plugboard.Rpc.Tests.Interop;

/// <summary>Two node servers (TCP and unix socket) shared by the tests of a class.</summary>
public sealed class NodeServersFixture : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();

    public NodeServer Tcp { get; private set; } = null!;

    public NodeServer Unix { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Tcp = await NodePeers.StartServerAsync("127.0.0.1:0");
        Unix = await NodePeers.StartServerAsync("unix:" + _directory.File("node.sock"));
    }

    public Task DisposeAsync()
    {
        Tcp?.Dispose();
        Unix?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The Plugboard client against a real @grpc/grpc-js server (tests/interop-node/server.js).</summary>
public sealed class NodeServerInteropTests(NodeServersFixture servers) : IClassFixture<NodeServersFixture>
{
    private NodeServer Tcp => servers.Tcp;

    private NodeServer Unix => servers.Unix;

    private NodeServer On(Transport transport) => transport == Transport.Tcp ? Tcp : Unix;

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public async Task A_unary_call_to_a_node_server_returns_its_response(Transport transport)
    {
        using var channel = RpcChannel.ForAddress(On(transport).Address);

        var response = await new DataSourceClient(channel).TestConnectionAsync(new TestConnectionRequest());

        Assert.True(response.Ok);
        Assert.StartsWith("node v", response.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public async Task A_server_stream_from_a_node_server_yields_every_message(Transport transport)
    {
        using var channel = RpcChannel.ForAddress(On(transport).Address);
        var response = new ResponseMetadata();

        var departments = await new DataSourceClient(channel)
            .ListDepartmentsAsync(new ListDepartmentsRequest(), new CallOptions { ResponseMetadata = response })
            .ToListAsync();

        Assert.Equal(["d1", "d2", "d3"], departments.Select(d => d.Id));
        Assert.Equal("d1", departments[1].ParentId);
        Assert.Equal("Vertrieb & Marketing – Süd", departments[2].Name);
        Assert.Equal("node", response.Headers.GetValue("x-source"));
    }

    [Fact]
    public async Task A_long_server_stream_from_a_node_server_arrives_whole()
    {
        using var channel = RpcChannel.ForAddress(Tcp.Address);

        var users = await new DataSourceClient(channel)
            .ListUsersAsync(new ListUsersRequest(), new CallOptions(new Metadata().Add("x-count", "5000")))
            .ToListAsync();

        Assert.Equal(5000, users.Count);
        Assert.Equal("user5000@example.test", users[^1].Email);
    }

    [Fact]
    public async Task Metadata_round_trips_through_a_node_server()
    {
        using var channel = RpcChannel.ForAddress(Tcp.Address);
        var bytes = new byte[] { 0, 1, 2, 250, 255 };
        var response = new ResponseMetadata();

        await new DataSourceClient(channel).TestConnectionAsync(
            new TestConnectionRequest(),
            new CallOptions(new Metadata().Add("x-echo", "hello").Add("x-echo-bin", bytes)) { ResponseMetadata = response });

        Assert.Equal("hello", response.Trailers.GetValue("x-echo"));
        Assert.Equal(bytes, response.Trailers.GetValueBytes("x-echo-bin"));
    }

    [Fact]
    public async Task An_error_status_from_a_node_server_arrives_with_its_non_ASCII_message_and_trailers()
    {
        using var channel = RpcChannel.ForAddress(Tcp.Address);
        var headers = new Metadata()
            .Add("x-fail-code", "9")
            .Add("x-fail-message", "bind refused")
            .Add("x-echo", "trailer-value");

        var error = await Assert.ThrowsAsync<RpcException>(() => new DataSourceClient(channel).TestConnectionAsync(new TestConnectionRequest(), new CallOptions(headers)));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("bind refused", error.Status.Detail);
        Assert.Equal("trailer-value", error.Trailers.GetValue("x-echo"));
    }

    [Fact]
    public async Task A_node_server_stream_that_fails_midway_reports_its_status()
    {
        using var channel = RpcChannel.ForAddress(Tcp.Address);
        var received = 0;

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var _ in new DataSourceClient(channel).ListUsersAsync(new ListUsersRequest(), new CallOptions(new Metadata().Add("x-count", "10").Add("x-fail-after", "3"))))
            {
                received++;
            }
        });

        Assert.Equal(3, received);
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("directory went away after 3 users", error.Status.Detail);
    }

    [Fact]
    public async Task A_deadline_shorter_than_the_node_servers_work_ends_with_DeadlineExceeded()
    {
        using var channel = RpcChannel.ForAddress(Tcp.Address);

        var error = await Assert.ThrowsAsync<RpcException>(() => new DataSourceClient(channel).TestConnectionAsync(
            new TestConnectionRequest(),
            new CallOptions(new Metadata().Add("x-delay-ms", "20000"), DateTime.UtcNow.AddMilliseconds(300))));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Cancelling_a_call_to_a_node_server_resets_the_stream_and_the_server_sees_it()
    {
        using var channel = RpcChannel.ForAddress(Tcp.Address);
        using var cancellation = new CancellationTokenSource();
        var marker = Guid.NewGuid().ToString("N");

        var call = new DataSourceClient(channel).TestConnectionAsync(
            new TestConnectionRequest(),
            new CallOptions(new Metadata().Add("x-delay-ms", "20000").Add("x-echo", marker), cancellationToken: cancellation.Token));
        await WaitForLogAsync(Tcp, $"testConnection started {marker}");
        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => call);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await WaitForLogAsync(Tcp, $"testConnection cancelled by the client {marker}");
    }

    private static async Task WaitForLogAsync(NodeServer server, string line)
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!server.Errors.Contains(line, StringComparison.Ordinal))
        {
            await Task.Delay(20, patience.Token);
        }
    }

    [Fact]
    public async Task The_grpc_timeout_the_client_writes_is_understood_by_a_node_server()
    {
        // A raw request has no client-side timer: only the node server, reading grpc-timeout, can end the call.
        var response = await RawHttp2.PostAsync(
            Tcp.Address,
            DataSourceMethods.TestConnection.FullName,
            RawHttp2.Frame(new TestConnectionRequest()),
            headers: [("grpc-timeout", Plugboard.Rpc.Wire.GrpcTimeout.Format(TimeSpan.FromMilliseconds(300))), ("x-delay-ms", "20000")]);

        Assert.Equal("4", response.Headers.GetValueOrDefault("grpc-status") ?? response.Trailers.GetValueOrDefault("grpc-status"));
    }

    [Fact]
    public async Task Health_of_a_node_server_is_checked_with_the_standard_protocol()
    {
        using var channel = RpcChannel.ForAddress(Unix.Address);
        var health = new HealthClient(channel);

        var overall = await health.CheckAsync(new HealthCheckRequest());
        var dataSource = await health.CheckAsync(new HealthCheckRequest { Service = "usersync.v1.DataSource" });
        var unknown = await Assert.ThrowsAsync<RpcException>(() => health.CheckAsync(new HealthCheckRequest { Service = "nope" }));
        var watched = await health.WatchAsync(new HealthCheckRequest()).FirstAsync();

        Assert.Equal(ServingStatus.Serving, overall.Status);
        Assert.Equal(ServingStatus.Serving, dataSource.Status);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(ServingStatus.Serving, watched.Status);
    }

    [Fact]
    public async Task A_thousand_concurrent_calls_to_a_node_server_all_succeed()
    {
        using var channel = RpcChannel.ForAddress(Tcp.Address);
        var client = new DataSourceClient(channel);

        var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => client.TestConnectionAsync(new TestConnectionRequest())));

        Assert.All(responses, r => Assert.True(r.Ok));
    }
}
