using Plugboard.Rpc.Client;
using Plugboard.Rpc.Server;
using UserSync.Rpc;

namespace Plugboard.Rpc.Tests.Infrastructure;

/// <summary>The methods of usersync.v1.DataSource, written as any per-service stub is.</summary>
public static class DataSourceMethods
{
    public const string ServiceName = "usersync.v1.DataSource";

    public static Method<ListDepartmentsRequest, Department> ListDepartments { get; } =
        new(MethodType.ServerStreaming, ServiceName, "ListDepartments", ListDepartmentsRequest.Parser, Department.Parser);

    public static Method<ListUsersRequest, User> ListUsers { get; } =
        new(MethodType.ServerStreaming, ServiceName, "ListUsers", ListUsersRequest.Parser, User.Parser);

    public static Method<TestConnectionRequest, TestConnectionResponse> TestConnection { get; } =
        new(MethodType.Unary, ServiceName, "TestConnection", TestConnectionRequest.Parser, TestConnectionResponse.Parser);
}

public sealed class DataSourceClient(IRpcCallInvoker invoker)
{
    public DataSourceClient(RpcChannel channel)
        : this(channel.CallInvoker)
    {
    }

    public IAsyncEnumerable<Department> ListDepartmentsAsync(ListDepartmentsRequest request, CallOptions options = default) =>
        invoker.ServerStreamingAsync(DataSourceMethods.ListDepartments, request, options);

    public IAsyncEnumerable<User> ListUsersAsync(ListUsersRequest request, CallOptions options = default) =>
        invoker.ServerStreamingAsync(DataSourceMethods.ListUsers, request, options);

    public Task<TestConnectionResponse> TestConnectionAsync(TestConnectionRequest request, CallOptions options = default) =>
        invoker.UnaryAsync(DataSourceMethods.TestConnection, request, options);
}

public abstract class DataSourceServiceBase
{
    public virtual Task ListDepartments(ListDepartmentsRequest request, IServerStreamWriter<Department> responses, ServerCallContext context) =>
        throw new RpcException(StatusCode.Unimplemented, "ListDepartments is not implemented.");

    public virtual Task ListUsers(ListUsersRequest request, IServerStreamWriter<User> responses, ServerCallContext context) =>
        throw new RpcException(StatusCode.Unimplemented, "ListUsers is not implemented.");

    public virtual Task<TestConnectionResponse> TestConnection(TestConnectionRequest request, ServerCallContext context) =>
        throw new RpcException(StatusCode.Unimplemented, "TestConnection is not implemented.");
}

public static class DataSourceServiceRegistration
{
    public static RpcServiceBuilder AddDataSourceService(this RpcServiceBuilder builder, DataSourceServiceBase service) =>
        builder
            .AddServerStreaming(DataSourceMethods.ListDepartments, service.ListDepartments)
            .AddServerStreaming(DataSourceMethods.ListUsers, service.ListUsers)
            .AddUnary(DataSourceMethods.TestConnection, service.TestConnection);
}
