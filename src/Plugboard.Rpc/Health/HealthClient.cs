using Grpc.Health.V1;
using Plugboard.Rpc.Client;

namespace Plugboard.Rpc.Health;

/// <summary>A typed client of <c>grpc.health.v1.Health</c>.</summary>
public sealed class HealthClient
{
    private readonly IRpcCallInvoker _invoker;

    /// <summary>Creates a client calling through <paramref name="invoker"/>.</summary>
    public HealthClient(IRpcCallInvoker invoker) => _invoker = invoker ?? throw new ArgumentNullException(nameof(invoker));

    /// <summary>Creates a client on <paramref name="channel"/>.</summary>
    public HealthClient(RpcChannel channel)
        : this((channel ?? throw new ArgumentNullException(nameof(channel))).CallInvoker)
    {
    }

    /// <summary>The current status of a service (empty name: the whole server). NotFound for an unknown service.</summary>
    public Task<HealthCheckResponse> CheckAsync(HealthCheckRequest request, CallOptions options = default) =>
        _invoker.UnaryAsync(HealthMethods.Check, request, options);

    /// <summary>The current status of a service, then each change, until cancelled.</summary>
    public IAsyncEnumerable<HealthCheckResponse> WatchAsync(HealthCheckRequest request, CallOptions options = default) =>
        _invoker.ServerStreamingAsync(HealthMethods.Watch, request, options);
}
