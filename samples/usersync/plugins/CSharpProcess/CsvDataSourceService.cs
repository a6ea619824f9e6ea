using Grpc.Core;
using UserSync.Rpc;

namespace UserSync.Plugins.CsvProcess;

/// <summary>
/// <c>usersync.v1.DataSource</c> as an ordinary Grpc.AspNetCore service: it derives from the base class Grpc.Tools
/// generated from proto/usersync/v1/datasource.proto and reads through the plugin class, which the host initialized.
/// </summary>
public sealed class CsvDataSourceService(CsvDataSource source) : DataSource.DataSourceBase
{
    /// <inheritdoc />
    public override async Task ListDepartments(ListDepartmentsRequest request, IServerStreamWriter<Rpc.Department> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        await foreach (var department in source.GetDepartmentsAsync(context.CancellationToken).ConfigureAwait(false))
        {
            await responseStream.WriteAsync(DataSourceMapping.ToMessage(department), context.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async Task ListUsers(ListUsersRequest request, IServerStreamWriter<Rpc.User> responseStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(responseStream);
        ArgumentNullException.ThrowIfNull(context);
        await foreach (var user in source.GetUsersAsync(context.CancellationToken).ConfigureAwait(false))
        {
            await responseStream.WriteAsync(DataSourceMapping.ToMessage(user), context.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public override async Task<TestConnectionResponse> TestConnection(TestConnectionRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var result = await source.TestConnectionAsync(context.CancellationToken).ConfigureAwait(false);
        return new TestConnectionResponse { Ok = result.Ok, Message = result.Message };
    }
}
