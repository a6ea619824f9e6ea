using Grpc.Core;
using UserSync.Rpc;

namespace SdkTestPlugin;

/// <summary>An ordinary Grpc.AspNetCore service over the generated base class, reading through the plugin class.</summary>
public sealed class TestDataSourceService(TestDataSource source) : DataSource.DataSourceBase
{
    public override async Task ListDepartments(ListDepartmentsRequest request, IServerStreamWriter<Department> responseStream, ServerCallContext context)
    {
        await foreach (var department in source.GetDepartmentsAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(DataSourceMapping.ToMessage(department), context.CancellationToken);
        }
    }

    public override async Task ListUsers(ListUsersRequest request, IServerStreamWriter<User> responseStream, ServerCallContext context)
    {
        await foreach (var user in source.GetUsersAsync(context.CancellationToken))
        {
            await responseStream.WriteAsync(DataSourceMapping.ToMessage(user), context.CancellationToken);
        }
    }

    public override async Task<TestConnectionResponse> TestConnection(TestConnectionRequest request, ServerCallContext context)
    {
        var result = await source.TestConnectionAsync(context.CancellationToken);
        return new TestConnectionResponse { Ok = result.Ok, Message = result.Message };
    }
}
