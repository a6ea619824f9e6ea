using Grpc.Core;
using Plugboard.Hosting;

namespace UserSync.Host;

/// <summary>What an expected import failure means for the operator: a short message and what to do.</summary>
/// <param name="Message">What failed.</param>
/// <param name="Advice">What to do about it.</param>
public sealed record ImportFailure(string Message, string Advice)
{
    /// <summary>Describes a failure a data source can be expected to have; null for a bug (log it with its stack trace).</summary>
    public static ImportFailure? Describe(Exception exception) => exception switch
    {
        RpcException { StatusCode: StatusCode.DeadlineExceeded } rpc => new(
            $"the plugin did not answer within its deadline ({rpc.Status.Detail})",
            "check why the plugin is slow (its log, the system it reads), or raise Plugboard:Rpc:CallTimeout."),
        RpcException { StatusCode: StatusCode.Unavailable } rpc => new(
            $"the plugin is unavailable: {rpc.Status.Detail}",
            "the host restarts crashed plugins by itself; check the plugin's log and run the sync again."),
        RpcException rpc => new(
            $"the plugin answered {rpc.StatusCode}: {rpc.Status.Detail}",
            "fix what the plugin reports (its configuration or the system it reads) and run the sync again."),
        PluginNotAvailableException unavailable => new(unavailable.Message, "run the sync again once the plugin is active."),
        IOException or HttpRequestException => new(exception.Message, "check the system the plugin reads from and run the sync again."),
        _ => null,
    };
}
