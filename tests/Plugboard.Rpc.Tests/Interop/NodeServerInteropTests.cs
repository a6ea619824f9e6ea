using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Plugboard.Hosting.Rpc.Channels;
using Plugboard.Rpc.Tests.Infrastructure;
using UserSync.Rpc;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Plugboard.Rpc.Tests.Interop;

/// <summary>Two node servers (TCP and unix socket) shared by the tests of a class.</summary>
public sealed class NodeServersFixture : IAsyncLifetime
{
    private readonly TempFolder _directory = new("rpc");

    public NodeServer Tcp { get; private set; } = null!;

    public NodeServer Unix { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Tcp = await NodePeers.StartServerAsync("127.0.0.1:0");
        Unix = await NodePeers.StartServerAsync("unix:" + _directory.Combine("node.sock"));
    }

    public Task DisposeAsync()
    {
        Tcp?.Dispose();
        Unix?.Dispose();
        _directory.Dispose();
        return Task.CompletedTask;
    }
}

/// <summary>The host's channel (Grpc.Net.Client as PluginChannel sets it up) against a real @grpc/grpc-js server (tests/interop-node/server.js).</summary>
public sealed class NodeServerInteropTests(NodeServersFixture servers) : IClassFixture<NodeServersFixture>
{
    private NodeServer Tcp => servers.Tcp;

    private NodeServer Unix => servers.Unix;

    private NodeServer On(Transport transport) => transport == Transport.Tcp ? Tcp : Unix;

    private static PluginChannel Channel(NodeServer server) => PluginChannel.ForAddress(server.Address, new PluginChannelSettings());

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public async Task A_unary_call_to_a_node_server_returns_its_response(Transport transport)
    {
        using var channel = Channel(On(transport));

        var response = await new DataSource.DataSourceClient(channel.Invoker).TestConnectionAsync(new TestConnectionRequest());

        Assert.True(response.Ok);
        Assert.StartsWith("node v", response.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(Transport.Tcp)]
    [InlineData(Transport.Unix)]
    public async Task A_server_stream_from_a_node_server_yields_every_message(Transport transport)
    {
        using var channel = Channel(On(transport));

        using var call = new DataSource.DataSourceClient(channel.Invoker).ListDepartments(new ListDepartmentsRequest());
        var departments = await call.ResponseStream.ReadAllAsync().ToListAsync();
        var headers = await call.ResponseHeadersAsync;

        Assert.Equal(["d1", "d2", "d3"], departments.Select(d => d.Id));
        Assert.Equal("d1", departments[1].ParentId);
        Assert.Equal("Vertrieb & Marketing – Süd", departments[2].Name);
        Assert.Equal("node", headers.GetValue("x-source"));
    }

    [Fact]
    public async Task A_long_server_stream_from_a_node_server_arrives_whole()
    {
        using var channel = Channel(Tcp);

        using var call = new DataSource.DataSourceClient(channel.Invoker).ListUsers(new ListUsersRequest(), new Metadata { { "x-count", "5000" } });
        var users = await call.ResponseStream.ReadAllAsync().ToListAsync();

        Assert.Equal(5000, users.Count);
        Assert.Equal("user5000@example.test", users[^1].Email);
    }

    [Fact]
    public async Task Metadata_round_trips_through_a_node_server()
    {
        using var channel = Channel(Tcp);
        var bytes = new byte[] { 0, 1, 2, 250, 255 };

        using var call = new DataSource.DataSourceClient(channel.Invoker).TestConnectionAsync(
            new TestConnectionRequest(), new Metadata { { "x-echo", "hello" }, { "x-echo-bin", bytes } });
        await call;
        var trailers = call.GetTrailers();

        Assert.Equal("hello", trailers.GetValue("x-echo"));
        Assert.Equal(bytes, trailers.GetValueBytes("x-echo-bin"));
    }

    [Fact]
    public async Task An_error_status_from_a_node_server_arrives_with_its_non_ASCII_message_and_trailers()
    {
        using var channel = Channel(Tcp);
        var headers = new Metadata
        {
            { "x-fail-code", "9" },
            { "x-fail-message", "bind refused" },
            { "x-echo", "trailer-value" },
        };

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new DataSource.DataSourceClient(channel.Invoker).TestConnectionAsync(new TestConnectionRequest(), headers));

        Assert.Equal(StatusCode.FailedPrecondition, error.StatusCode);
        Assert.Equal("bind refused", error.Status.Detail);
        Assert.Equal("trailer-value", error.Trailers.GetValue("x-echo"));
    }

    [Fact]
    public async Task A_node_server_stream_that_fails_midway_reports_its_status()
    {
        using var channel = Channel(Tcp);
        var received = 0;

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            using var call = new DataSource.DataSourceClient(channel.Invoker).ListUsers(new ListUsersRequest(), new Metadata { { "x-count", "10" }, { "x-fail-after", "3" } });
            await foreach (var _ in call.ResponseStream.ReadAllAsync())
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
        using var channel = Channel(Tcp);

        var error = await Assert.ThrowsAsync<RpcException>(async () => await new DataSource.DataSourceClient(channel.Invoker).TestConnectionAsync(
            new TestConnectionRequest(), new Metadata { { "x-delay-ms", "20000" } }, DateTime.UtcNow.AddMilliseconds(300)));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Cancelling_a_call_to_a_node_server_resets_the_stream_and_the_server_sees_it()
    {
        using var channel = Channel(Tcp);
        using var cancellation = new CancellationTokenSource();
        var marker = Guid.NewGuid().ToString("N");

        using var call = new DataSource.DataSourceClient(channel.Invoker).TestConnectionAsync(
            new TestConnectionRequest(), new Metadata { { "x-delay-ms", "20000" }, { "x-echo", marker } }, cancellationToken: cancellation.Token);
        await WaitForLogAsync(Tcp, $"testConnection started {marker}");
        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAsync<RpcException>(async () => await call);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await WaitForLogAsync(Tcp, $"testConnection cancelled by the client {marker}");
    }

    private static Task WaitForLogAsync(NodeServer server, string line) =>
        Eventually.HoldsAsync(() => server.Errors.Contains(line, StringComparison.Ordinal), () => $"the node server to log '{line}'", TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Health_of_a_node_server_is_checked_with_the_standard_protocol()
    {
        using var channel = Channel(Unix);
        var health = new Health.HealthClient(channel.Invoker);

        var overall = await health.CheckAsync(new HealthCheckRequest());
        var dataSource = await health.CheckAsync(new HealthCheckRequest { Service = "usersync.v1.DataSource" });
        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await health.CheckAsync(new HealthCheckRequest { Service = "nope" }));
        using var watch = health.Watch(new HealthCheckRequest());
        var watched = await watch.ResponseStream.ReadAllAsync().FirstAsync();

        Assert.Equal(ServingStatus.Serving, overall.Status);
        Assert.Equal(ServingStatus.Serving, dataSource.Status);
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(ServingStatus.Serving, watched.Status);
    }

    [Fact]
    public async Task A_thousand_concurrent_calls_to_a_node_server_all_succeed()
    {
        using var channel = Channel(Tcp);
        var client = new DataSource.DataSourceClient(channel.Invoker);

        var responses = await Task.WhenAll(Enumerable.Range(0, 1000).Select(_ => client.TestConnectionAsync(new TestConnectionRequest()).ResponseAsync));

        Assert.All(responses, r => Assert.True(r.Ok));
    }
}
