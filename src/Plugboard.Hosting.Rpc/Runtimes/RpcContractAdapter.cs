using Grpc.Core;

namespace Plugboard.Hosting.Rpc.Runtimes;

/// <summary>
/// The one seam between a C# contract and its gRPC service: how the host turns a plugin's service into the contract
/// the application calls. A host author adding a contract writes, once, a class implementing the interface over the
/// client Grpc.Tools generates from the contract's proto (e.g. <c>DataSourceRpcClient : IDataSource</c> over
/// <c>DataSource.DataSourceClient</c>), and registers its factory with
/// <c>services.AddRpcContract&lt;IDataSource&gt;(invoker =&gt; new DataSourceRpcClient(invoker))</c>.
/// </summary>
/// <param name="Contract">The contract interface.</param>
/// <param name="Create">
/// Creates the adapter over a plugin's call invoker: the invoker names the plugin on every call, runs the configured
/// interceptors, applies the plugin's deadline and fails fast with Unavailable while the plugin is down.
/// </param>
public sealed record RpcContractAdapter(Type Contract, Func<CallInvoker, object> Create)
{
    /// <summary>Creates an adapter for <typeparamref name="TContract"/>.</summary>
    public static RpcContractAdapter For<TContract>(Func<CallInvoker, TContract> create)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(create);
        return new RpcContractAdapter(typeof(TContract), invoker => create(invoker));
    }
}
