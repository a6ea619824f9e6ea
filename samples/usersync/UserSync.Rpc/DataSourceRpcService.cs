using Plugboard.Rpc;
using Plugboard.Rpc.Server;

namespace UserSync.Rpc;

/// <summary>
/// Serves an <see cref="IDataSource"/> as <c>usersync.v1.DataSource</c>: what a C# process plugin registers, e.g.
/// <c>.AddService(DataSourceMethods.ServiceName, (rpc, services) =&gt; rpc.AddDataSourceService(services.GetRequiredService&lt;MyPlugin&gt;()))</c>.
/// </summary>
public static class DataSourceRpcService
{
    /// <summary>Serves every method of <c>usersync.v1.DataSource</c> with <paramref name="dataSource"/>.</summary>
    public static RpcServiceBuilder AddDataSourceService(this RpcServiceBuilder builder, IDataSource dataSource)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dataSource);
        return builder
            .AddServerStreaming(DataSourceMethods.ListDepartments, async (_, responses, context) =>
            {
                await foreach (var department in dataSource.GetDepartmentsAsync(context.CancellationToken).ConfigureAwait(false))
                {
                    await responses.WriteAsync(DataSourceMapping.ToMessage(department), context.CancellationToken).ConfigureAwait(false);
                }
            })
            .AddServerStreaming(DataSourceMethods.ListUsers, async (_, responses, context) =>
            {
                await foreach (var user in dataSource.GetUsersAsync(context.CancellationToken).ConfigureAwait(false))
                {
                    await responses.WriteAsync(DataSourceMapping.ToMessage(user), context.CancellationToken).ConfigureAwait(false);
                }
            })
            .AddUnary(DataSourceMethods.TestConnection, async (_, context) =>
            {
                var result = await dataSource.TestConnectionAsync(context.CancellationToken).ConfigureAwait(false);
                return new TestConnectionResponse { Ok = result.Ok, Message = result.Message };
            });
    }
}
