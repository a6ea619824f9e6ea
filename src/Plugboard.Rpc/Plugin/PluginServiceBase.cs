using Plugboard.Rpc.Protocol;
using Plugboard.Rpc.Server;

namespace Plugboard.Rpc.Plugin;

/// <summary>
/// The server side of <c>plugboard.v1.Plugin</c>: override the methods a plugin implements and register it
/// with <see cref="PluginServiceRegistration.AddPluginService"/>. Methods not overridden answer Unimplemented.
/// </summary>
public abstract class PluginServiceBase
{
    /// <summary>Handles Init.</summary>
    public virtual Task<InitResponse> Init(InitRequest request, ServerCallContext context) =>
        throw new RpcException(StatusCode.Unimplemented, "Init is not implemented by this plugin.");

    /// <summary>Handles Verify.</summary>
    public virtual Task<VerifyResponse> Verify(VerifyRequest request, ServerCallContext context) =>
        throw new RpcException(StatusCode.Unimplemented, "Verify is not implemented by this plugin.");

    /// <summary>Handles Shutdown.</summary>
    public virtual Task<ShutdownResponse> Shutdown(ShutdownRequest request, ServerCallContext context) =>
        throw new RpcException(StatusCode.Unimplemented, "Shutdown is not implemented by this plugin.");
}

/// <summary>Registers a <see cref="PluginServiceBase"/> implementation on a server.</summary>
public static class PluginServiceRegistration
{
    /// <summary>Serves every method of <c>plugboard.v1.Plugin</c> with <paramref name="service"/>.</summary>
    public static RpcServiceBuilder AddPluginService(this RpcServiceBuilder builder, PluginServiceBase service)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(service);
        return builder
            .AddUnary(PluginMethods.Init, service.Init)
            .AddUnary(PluginMethods.Verify, service.Verify)
            .AddUnary(PluginMethods.Shutdown, service.Shutdown);
    }
}
