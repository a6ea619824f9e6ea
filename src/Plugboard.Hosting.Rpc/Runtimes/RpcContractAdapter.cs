using Plugboard.Rpc;

namespace Plugboard.Hosting.Rpc.Runtimes;

/// <summary>
/// How the host turns a plugin's gRPC service into its C# contract: for <see cref="Contract"/>, a factory of the
/// client that implements the interface over a call invoker (e.g. <c>invoker =&gt; new DataSourceRpcClient(invoker)</c>).
/// Register one per contract with <c>services.AddRpcContract&lt;TContract&gt;(…)</c>.
/// </summary>
/// <param name="Contract">The contract interface.</param>
/// <param name="Create">Creates the client; the invoker applies the plugin's deadlines and fails fast while it is down.</param>
public sealed record RpcContractAdapter(Type Contract, Func<IRpcCallInvoker, object> Create)
{
    /// <summary>Creates an adapter for <typeparamref name="TContract"/>.</summary>
    public static RpcContractAdapter For<TContract>(Func<IRpcCallInvoker, TContract> create)
        where TContract : class
    {
        ArgumentNullException.ThrowIfNull(create);
        return new RpcContractAdapter(typeof(TContract), invoker => create(invoker));
    }
}
