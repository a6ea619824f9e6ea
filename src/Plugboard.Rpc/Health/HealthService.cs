using System.Threading.Channels;
using Grpc.Health.V1;
using Plugboard.Rpc.Server;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Plugboard.Rpc.Health;

/// <summary>
/// The standard health service with a status per service name, settable at any time. The server as a whole
/// (empty name) starts as SERVING. Register it with <see cref="HealthServiceRegistration.AddHealthService"/>.
/// </summary>
public sealed class HealthService
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal) { [string.Empty] = ServingStatus.Serving };
    private readonly Dictionary<string, List<ChannelWriter<ServingStatus>>> _watchers = new(StringComparer.Ordinal);

    /// <summary>Sets the status of <paramref name="service"/> (empty: the whole server) and tells its watchers.</summary>
    public void SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            _statuses[service] = status;
            Notify(service, status);
        }
    }

    /// <summary>Forgets <paramref name="service"/>: Check answers NotFound, watchers see SERVICE_UNKNOWN.</summary>
    public void ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (_statuses.Remove(service))
            {
                Notify(service, ServingStatus.ServiceUnknown);
            }
        }
    }

    /// <summary>The status of <paramref name="service"/>, or null when it is unknown.</summary>
    public ServingStatus? GetStatus(string service)
    {
        lock (_lock)
        {
            return _statuses.TryGetValue(service, out var status) ? status : null;
        }
    }

    /// <summary>Handles Check.</summary>
    public Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        return GetStatus(request.Service) is { } status
            ? Task.FromResult(new HealthCheckResponse { Status = status })
            : throw new RpcException(StatusCode.NotFound, $"Unknown service '{request.Service}'.");
    }

    /// <summary>Handles Watch: the current status, then every change, until the client cancels.</summary>
    public async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        // Only the latest status matters to a watcher that fell behind.
        var updates = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        lock (_lock)
        {
            updates.Writer.TryWrite(_statuses.TryGetValue(request.Service, out var current) ? current : ServingStatus.ServiceUnknown);
            if (!_watchers.TryGetValue(request.Service, out var list))
            {
                _watchers[request.Service] = list = [];
            }

            list.Add(updates.Writer);
        }

        try
        {
            ServingStatus? last = null;
            await foreach (var status in updates.Reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                if (status != last)
                {
                    await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken).ConfigureAwait(false);
                    last = status;
                }
            }
        }
        finally
        {
            lock (_lock)
            {
                _watchers[request.Service].Remove(updates.Writer);
            }
        }
    }

    private void Notify(string service, ServingStatus status)
    {
        if (_watchers.TryGetValue(service, out var list))
        {
            foreach (var watcher in list)
            {
                watcher.TryWrite(status);
            }
        }
    }
}

/// <summary>Registers a <see cref="HealthService"/> on a server.</summary>
public static class HealthServiceRegistration
{
    /// <summary>Serves <c>grpc.health.v1.Health</c> (Check and Watch) with <paramref name="service"/>.</summary>
    public static RpcServiceBuilder AddHealthService(this RpcServiceBuilder builder, HealthService service)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(service);
        return builder
            .AddUnary(HealthMethods.Check, service.Check)
            .AddServerStreaming(HealthMethods.Watch, service.Watch);
    }
}
