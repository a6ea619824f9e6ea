using Grpc.Health.V1;
using Plugboard.Rpc.Health;
using Plugboard.Rpc.Tests.Infrastructure;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Plugboard.Rpc.Tests;

public sealed class HealthServiceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task The_server_as_a_whole_is_serving_from_the_start()
    {
        var health = new HealthService();
        await using var server = await TestServer.StartAsync(services => services.AddHealthService(health));

        var response = await new HealthClient(server.Channel).CheckAsync(new HealthCheckRequest());

        Assert.Equal(ServingStatus.Serving, response.Status);
    }

    [Fact]
    public async Task Check_answers_the_status_set_for_a_service()
    {
        var health = new HealthService();
        health.SetStatus("usersync.v1.DataSource", ServingStatus.NotServing);
        await using var server = await TestServer.StartAsync(services => services.AddHealthService(health));

        var response = await new HealthClient(server.Channel).CheckAsync(new HealthCheckRequest { Service = "usersync.v1.DataSource" });

        Assert.Equal(ServingStatus.NotServing, response.Status);
    }

    [Fact]
    public async Task Check_of_an_unknown_service_ends_with_NotFound()
    {
        var health = new HealthService();
        await using var server = await TestServer.StartAsync(services => services.AddHealthService(health));

        var error = await Assert.ThrowsAsync<RpcException>(() => new HealthClient(server.Channel).CheckAsync(new HealthCheckRequest { Service = "nope" }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task Watch_streams_the_current_status_then_each_change()
    {
        var health = new HealthService();
        health.SetStatus("svc", ServingStatus.NotServing);
        await using var server = await TestServer.StartAsync(services => services.AddHealthService(health));
        using var stop = new CancellationTokenSource();

        var seen = new List<ServingStatus>();
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            await foreach (var update in new HealthClient(server.Channel).WatchAsync(new HealthCheckRequest { Service = "svc" }, new CallOptions(cancellationToken: stop.Token)))
            {
                seen.Add(update.Status);
                if (update.Status == ServingStatus.NotServing)
                {
                    health.SetStatus("svc", ServingStatus.Serving);
                }
                else
                {
                    await stop.CancelAsync();
                }
            }
        }).WaitAsync(Patience);

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal([ServingStatus.NotServing, ServingStatus.Serving], seen);
    }

    [Fact]
    public async Task Watch_of_an_unknown_service_says_SERVICE_UNKNOWN()
    {
        var health = new HealthService();
        await using var server = await TestServer.StartAsync(services => services.AddHealthService(health));
        using var stop = new CancellationTokenSource();

        await using var updates = new HealthClient(server.Channel).WatchAsync(new HealthCheckRequest { Service = "later" }).GetAsyncEnumerator(stop.Token);
        Assert.True(await updates.MoveNextAsync().AsTask().WaitAsync(Patience));

        Assert.Equal(ServingStatus.ServiceUnknown, updates.Current.Status);
    }
}
