using Plugboard.Hosting.Rpc.Processes;
using Plugboard.Hosting.Rpc.Supervision;

namespace Plugboard.Hosting.Rpc.Tests.Infrastructure;

/// <summary>Starts the SDK test plugin (and others) the way the process runtime does.</summary>
public static class TestPlugins
{
    /// <summary>Options for tests: fast restarts and health checks, generous deadlines (hang guards, not timings).</summary>
    public static RpcPluginOptions Options(Action<RpcPluginOptions>? adjust = null)
    {
        var options = new RpcPluginOptions
        {
            RestartDelay = TimeSpan.FromMilliseconds(100),
            HealthCheckInterval = TimeSpan.FromSeconds(1),
            CallTimeout = TimeSpan.FromMinutes(1),
            ShutdownGrace = TimeSpan.FromSeconds(10),
        };
        adjust?.Invoke(options);
        return options;
    }

    public static ProcessPluginConnection Sdk(string mode, TestLogger logger, RpcPluginOptions? options = null, TimeProvider? time = null) =>
        Create(TestPaths.SdkTestPluginEntry(mode), TestPaths.SdkTestPluginDirectory, logger, options, time);

    public static ProcessPluginConnection Create(string entry, string directory, TestLogger logger, RpcPluginOptions? options = null, TimeProvider? time = null) =>
        new("custom-test", PluginCommand.Parse(entry, directory), directory, options ?? Options(), logger, time);
}
