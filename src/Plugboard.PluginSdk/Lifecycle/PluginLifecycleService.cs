using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plugboard.Rpc.Protocol;

namespace Plugboard.PluginSdk.Lifecycle;

/// <summary>
/// Serves <c>plugboard.v1.Plugin</c> for a C# plugin: Init calls <see cref="IPlugin.InitAsync"/> with the
/// configuration as a JSON object, Verify calls <see cref="IPlugin.VerifyAsync"/>, Shutdown disposes the plugin. The
/// process itself stops when the host closes its stdin or sends SIGTERM right after (docs/protocol.md, "Stopping").
/// </summary>
internal sealed class PluginLifecycleService(IServiceProvider services, ILoggerFactory loggers, PluginStopping stopping) : Plugin.PluginBase
{
    private readonly IPlugin? plugin = services.GetService<IPlugin>();
    private readonly ConfigurationBinding? binding = services.GetService<ConfigurationBinding>();
    private int _disposed;

    public override async Task<InitResponse> Init(InitRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        if (plugin is null)
        {
            return new InitResponse();
        }

        try
        {
            var configuration = StructJson.ToJsonObject(request.Configuration);
            var pluginContext = new PluginContext
            {
                PluginId = request.PluginId,
                Version = request.Version,
                Logger = loggers.CreateLogger(string.IsNullOrEmpty(request.PluginId) ? "plugin" : request.PluginId),
                Configuration = configuration,
                TypedConfiguration = binding?.Bind(configuration),
                Stopping = stopping.Token,
            };
            var metadata = await plugin.InitAsync(pluginContext, context.CancellationToken).ConfigureAwait(false);
            return new InitResponse { Metadata = StructJson.ToStruct(metadata) };
        }
        catch (Exception ex) when (ex is not RpcException and not OperationCanceledException)
        {
            // The host shows this to the operator: say what failed, not a stack trace.
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"Init failed: {ex.Message}"));
        }
    }

    public override async Task<VerifyResponse> Verify(VerifyRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (plugin is null)
        {
            return new VerifyResponse { Ready = true };
        }

        try
        {
            var result = await plugin.VerifyAsync(context.CancellationToken).ConfigureAwait(false);
            return new VerifyResponse { Ready = result.IsReady, Reason = result.Reason ?? string.Empty };
        }
        catch (Exception ex) when (ex is not RpcException and not OperationCanceledException)
        {
            return new VerifyResponse { Ready = false, Reason = $"Verify failed: {ex.Message}" };
        }
    }

    public override async Task<ShutdownResponse> Shutdown(ShutdownRequest request, ServerCallContext context)
    {
        await DisposePluginAsync().ConfigureAwait(false);
        return new ShutdownResponse();
    }

    public async ValueTask DisposePluginAsync()
    {
        if (plugin is not null && Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await plugin.DisposeAsync().ConfigureAwait(false);
        }
    }
}

/// <summary>Binds Init's configuration to the plugin's config class without reflection (<see cref="PluginServerBuilder.AddConfiguration{TConfig}"/>).</summary>
internal sealed record ConfigurationBinding(Func<System.Text.Json.Nodes.JsonObject, object?> Bind);

/// <summary>Cancelled when the plugin process is asked to stop (stdin closed, SIGTERM, or the caller's token).</summary>
internal sealed record PluginStopping(CancellationToken Token);
