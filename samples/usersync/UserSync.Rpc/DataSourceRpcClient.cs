using System.Runtime.CompilerServices;
using Plugboard.Rpc;

namespace UserSync.Rpc;

/// <summary>
/// <see cref="IDataSource"/> over gRPC: what the host hands the application for a data-source plugin that runs
/// out of process. Register it with <c>services.AddRpcContract&lt;IDataSource&gt;(invoker =&gt; new DataSourceRpcClient(invoker))</c>.
/// Failed calls throw <see cref="RpcException"/> (e.g. Unavailable while the plugin restarts, DeadlineExceeded).
/// </summary>
public sealed class DataSourceRpcClient : IDataSource
{
    private readonly IRpcCallInvoker _invoker;

    /// <summary>Creates a client calling through <paramref name="invoker"/>.</summary>
    public DataSourceRpcClient(IRpcCallInvoker invoker) => _invoker = invoker ?? throw new ArgumentNullException(nameof(invoker));

    /// <inheritdoc />
    public async IAsyncEnumerable<UserSync.Department> GetDepartmentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var call = _invoker.ServerStreamingAsync(DataSourceMethods.ListDepartments, new ListDepartmentsRequest(), new CallOptions(cancellationToken: cancellationToken));
        await foreach (var department in call.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return DataSourceMapping.ToContract(department);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<UserSync.User> GetUsersAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var call = _invoker.ServerStreamingAsync(DataSourceMethods.ListUsers, new ListUsersRequest(), new CallOptions(cancellationToken: cancellationToken));
        await foreach (var user in call.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return DataSourceMapping.ToContract(user);
        }
    }

    /// <inheritdoc />
    public async Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken = default)
    {
        var response = await _invoker.UnaryAsync(DataSourceMethods.TestConnection, new TestConnectionRequest(), new CallOptions(cancellationToken: cancellationToken)).ConfigureAwait(false);
        return new ConnectionTestResult(response.Ok, response.Message);
    }
}
