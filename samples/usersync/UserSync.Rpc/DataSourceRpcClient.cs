using System.Runtime.CompilerServices;
using Grpc.Core;

namespace UserSync.Rpc;

/// <summary>
/// <see cref="IDataSource"/> over the generated <see cref="DataSource.DataSourceClient"/>: what the host hands the
/// application for a data-source plugin that runs out of process — the contract adapter a host author writes once per
/// contract. Register it with <c>services.AddRpcContract&lt;IDataSource&gt;(invoker =&gt; new DataSourceRpcClient(invoker))</c>.
/// Failed calls throw <see cref="RpcException"/> (e.g. Unavailable while the plugin restarts, DeadlineExceeded).
/// </summary>
public sealed class DataSourceRpcClient : IDataSource
{
    private readonly DataSource.DataSourceClient _client;

    /// <summary>Creates a client calling through <paramref name="invoker"/> (the plugin connection's).</summary>
    public DataSourceRpcClient(CallInvoker invoker) => _client = new DataSource.DataSourceClient(invoker ?? throw new ArgumentNullException(nameof(invoker)));

    /// <inheritdoc />
    public async IAsyncEnumerable<UserSync.Department> GetDepartmentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var call = _client.ListDepartments(new ListDepartmentsRequest(), cancellationToken: cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return DataSourceMapping.ToContract(call.ResponseStream.Current);
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<UserSync.User> GetUsersAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var call = _client.ListUsers(new ListUsersRequest(), cancellationToken: cancellationToken);
        while (await call.ResponseStream.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            yield return DataSourceMapping.ToContract(call.ResponseStream.Current);
        }
    }

    /// <inheritdoc />
    public async Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken = default)
    {
        var response = await _client.TestConnectionAsync(new TestConnectionRequest(), cancellationToken: cancellationToken).ConfigureAwait(false);
        return new ConnectionTestResult(response.Ok, response.Message);
    }
}
