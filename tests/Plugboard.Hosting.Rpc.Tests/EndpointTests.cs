using Plugboard.Hosting.Rpc.Supervision;
using Plugboard.Hosting.Rpc.Tests.Infrastructure;
using Grpc.Core;
using Plugboard.Rpc;
using UserSync.Rpc;
using Xunit.Abstractions;

namespace Plugboard.Hosting.Rpc.Tests;

/// <summary>An endpoint plugin that goes away and comes back: the host shows it, fails calls fast, and recovers.</summary>
public sealed class EndpointTests(ITestOutputHelper output)
{
    private readonly TestLogger _logger = new(output);

    [Fact]
    public async Task An_endpoint_that_stops_answering_is_not_serving_until_it_answers_again()
    {
        var socket = Path.Combine(Path.GetTempPath(), $"pb-endpoint-{Guid.NewGuid():N}.sock");
        var service = StartService(socket);
        await using var connection = new EndpointPluginConnection("custom-endpoint", $"unix://{socket}", TestPlugins.Options(o => o.HealthCheckTimeout = TimeSpan.FromSeconds(1)), _logger);
        try
        {
            await Eventually.HoldsAsync(() => File.Exists(socket), () => "the service's socket");
            await connection.StartAsync(CancellationToken.None);
            var source = new DataSourceRpcClient(connection.CallInvoker);
            Assert.True((await source.TestConnectionAsync()).Ok);

            service.Dispose();
            File.Delete(socket);
            await connection.WaitForStateAsync(RpcPluginState.NotServing, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
            var error = await Assert.ThrowsAsync<RpcException>(() => source.TestConnectionAsync());
            Assert.Equal(StatusCode.Unavailable, error.StatusCode);
            Assert.Contains("plugin 'custom-endpoint' is not serving", error.Status.Detail, StringComparison.Ordinal);

            service = StartService(socket);
            await connection.WaitForStateAsync(RpcPluginState.Serving, CancellationToken.None).WaitAsync(TimeSpan.FromMinutes(1));
            Assert.Contains($"pid {service.Id}", (await source.TestConnectionAsync()).Message, StringComparison.Ordinal);
        }
        finally
        {
            service.Dispose();
            File.Delete(socket);
        }
    }

    private static ChildProcess StartService(string socket)
    {
        var service = ChildProcess.Start("dotnet", TestPaths.SdkTestPluginDll, "--listen", $"unix://{socket}");
        _ = service.Process.StandardError.ReadToEndAsync();
        _ = service.Process.StandardOutput.ReadToEndAsync();
        return service;
    }
}
