using Grpc.Health.V1;

namespace Plugboard.Rpc.Health;

/// <summary>The methods of <c>grpc.health.v1.Health</c> (proto/grpc/health/v1/health.proto).</summary>
public static class HealthMethods
{
    /// <summary>The fully qualified service name.</summary>
    public const string ServiceName = "grpc.health.v1.Health";

    /// <summary><c>rpc Check(HealthCheckRequest) returns (HealthCheckResponse)</c>.</summary>
    public static Method<HealthCheckRequest, HealthCheckResponse> Check { get; } =
        new(MethodType.Unary, ServiceName, "Check", HealthCheckRequest.Parser, HealthCheckResponse.Parser);

    /// <summary><c>rpc Watch(HealthCheckRequest) returns (stream HealthCheckResponse)</c>.</summary>
    public static Method<HealthCheckRequest, HealthCheckResponse> Watch { get; } =
        new(MethodType.ServerStreaming, ServiceName, "Watch", HealthCheckRequest.Parser, HealthCheckResponse.Parser);
}
