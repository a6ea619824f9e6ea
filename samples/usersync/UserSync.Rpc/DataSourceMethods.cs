using Plugboard.Rpc;

namespace UserSync.Rpc;

/// <summary>The methods of <c>usersync.v1.DataSource</c> (proto/usersync/v1/datasource.proto).</summary>
public static class DataSourceMethods
{
    /// <summary>The fully qualified service name.</summary>
    public const string ServiceName = "usersync.v1.DataSource";

    /// <summary><c>rpc ListDepartments(ListDepartmentsRequest) returns (stream Department)</c>.</summary>
    public static Method<ListDepartmentsRequest, Department> ListDepartments { get; } =
        new(MethodType.ServerStreaming, ServiceName, "ListDepartments", ListDepartmentsRequest.Parser, Department.Parser);

    /// <summary><c>rpc ListUsers(ListUsersRequest) returns (stream User)</c>.</summary>
    public static Method<ListUsersRequest, User> ListUsers { get; } =
        new(MethodType.ServerStreaming, ServiceName, "ListUsers", ListUsersRequest.Parser, User.Parser);

    /// <summary><c>rpc TestConnection(TestConnectionRequest) returns (TestConnectionResponse)</c>.</summary>
    public static Method<TestConnectionRequest, TestConnectionResponse> TestConnection { get; } =
        new(MethodType.Unary, ServiceName, "TestConnection", TestConnectionRequest.Parser, TestConnectionResponse.Parser);
}
