using Plugboard.Rpc.Protocol;

namespace Plugboard.Rpc.Plugin;

/// <summary>The methods of <c>plugboard.v1.Plugin</c> (proto/plugboard/v1/plugin.proto).</summary>
public static class PluginMethods
{
    /// <summary>The fully qualified service name.</summary>
    public const string ServiceName = "plugboard.v1.Plugin";

    /// <summary><c>rpc Init(InitRequest) returns (InitResponse)</c>.</summary>
    public static Method<InitRequest, InitResponse> Init { get; } =
        new(MethodType.Unary, ServiceName, "Init", InitRequest.Parser, InitResponse.Parser);

    /// <summary><c>rpc Verify(VerifyRequest) returns (VerifyResponse)</c>.</summary>
    public static Method<VerifyRequest, VerifyResponse> Verify { get; } =
        new(MethodType.Unary, ServiceName, "Verify", VerifyRequest.Parser, VerifyResponse.Parser);

    /// <summary><c>rpc Shutdown(ShutdownRequest) returns (ShutdownResponse)</c>.</summary>
    public static Method<ShutdownRequest, ShutdownResponse> Shutdown { get; } =
        new(MethodType.Unary, ServiceName, "Shutdown", ShutdownRequest.Parser, ShutdownResponse.Parser);
}
