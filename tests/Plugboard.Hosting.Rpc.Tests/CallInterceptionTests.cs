using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Plugboard.Hosting.Rpc.Calls;
using Plugboard.Hosting.Rpc.Tests.Infrastructure;
using Plugboard.Rpc.Protocol;
using UserSync.Rpc;
using Xunit.Abstractions;

namespace Plugboard.Hosting.Rpc.Tests;

/// <summary>The calls to a plugin as an application's interceptor sees them, and the plugin's side of them.</summary>
public sealed class CallInterceptionTests(ITestOutputHelper output)
{
    private readonly TestLogger _logger = new(output);

    [Fact]
    public async Task A_client_interceptor_sees_every_call_with_the_plugin_id()
    {
        var seen = new RecordingInterceptor();
        await using var plugin = TestPlugins.Sdk("serve", _logger, TestPlugins.Options(o => o.Interceptors.Add(seen)));
        await plugin.StartAsync(CancellationToken.None);
        var source = new DataSourceRpcClient(plugin.CallInvoker);

        await new Plugin.PluginClient(plugin.CallInvoker).InitAsync(new InitRequest { PluginId = "custom-test", Version = "1.0.0", Configuration = new() });
        await source.TestConnectionAsync();
        Assert.Equal(5, (await source.GetUsersAsync().ToListAsync()).Count);
        await plugin.StopAsync(CancellationToken.None);
        // Refused at once while the plugin is stopped: seen too, with the status the caller got.
        var refused = await Assert.ThrowsAsync<RpcException>(() => source.TestConnectionAsync());

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
        var calls = seen.Calls.ToList();
        Assert.Contains(("/plugboard.v1.Plugin/Init", "custom-test"), calls.Select(c => (c.Method, c.PluginId)));
        Assert.Contains(("/usersync.v1.DataSource/ListUsers", "custom-test"), calls.Select(c => (c.Method, c.PluginId)));
        Assert.Contains(("/plugboard.v1.Plugin/Shutdown", "custom-test"), calls.Select(c => (c.Method, c.PluginId)));
        Assert.Equal(2, calls.Count(c => c.Method == "/usersync.v1.DataSource/TestConnection" && c.PluginId == "custom-test"));
        Assert.All(calls, c => Assert.Equal("custom-test", c.PluginId));
    }

    [Fact]
    public async Task A_csharp_plugin_written_as_an_ordinary_grpc_service_serves_it_and_reports_it_on_the_standard_health_service()
    {
        // The SDK test plugin's DataSource is a plain Grpc.AspNetCore service over the generated DataSource.DataSourceBase.
        await using var plugin = TestPlugins.Sdk("serve", _logger);
        await plugin.StartAsync(CancellationToken.None);

        var health = await new Health.HealthClient(plugin.CallInvoker).CheckAsync(new HealthCheckRequest { Service = "usersync.v1.DataSource" });
        var departments = await new DataSourceRpcClient(plugin.CallInvoker).GetDepartmentsAsync().ToListAsync();

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
        Assert.Equal(["t-root", "t-child"], departments.Select(d => d.Id));
        Assert.Equal("t-root", departments[1].ParentId);
    }

    [Fact]
    public void A_host_running_process_plugins_pulls_in_no_ASP_NET_Core()
    {
        var assemblies = new[] { typeof(PluginCallHeaders).Assembly, typeof(Plugboard.Rpc.Handshake.HandshakeLine).Assembly, typeof(Grpc.Net.Client.GrpcChannel).Assembly };

        foreach (var assembly in assemblies)
        {
            Assert.DoesNotContain(assembly.GetReferencedAssemblies(), a => a.Name!.StartsWith("Microsoft.AspNetCore", StringComparison.Ordinal));
        }
    }

    private sealed class RecordingInterceptor : Interceptor
    {
        public ConcurrentQueue<(string Method, string? PluginId)> Calls { get; } = new();

        public override AsyncUnaryCall<TResponse> AsyncUnaryCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncUnaryCallContinuation<TRequest, TResponse> continuation)
        {
            Calls.Enqueue((context.Method.FullName, PluginCallHeaders.PluginIdOf(context)));
            return continuation(request, context);
        }

        public override AsyncServerStreamingCall<TResponse> AsyncServerStreamingCall<TRequest, TResponse>(
            TRequest request, ClientInterceptorContext<TRequest, TResponse> context, AsyncServerStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            Calls.Enqueue((context.Method.FullName, PluginCallHeaders.PluginIdOf(context)));
            return continuation(request, context);
        }
    }
}
