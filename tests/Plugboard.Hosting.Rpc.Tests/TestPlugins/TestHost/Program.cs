using Microsoft.Extensions.Logging.Abstractions;
using Plugboard.Hosting.Rpc;
using Plugboard.Hosting.Rpc.Processes;
using Plugboard.Hosting.Rpc.Supervision;

// Usage: TestHost PLUGIN_FOLDER ENTRY — starts the plugin as the process runtime does, prints PLUGIN_PID=<pid>.
if (args.Length != 2)
{
    Console.Error.WriteLine("usage: TestHost PLUGIN_FOLDER ENTRY");
    return 2;
}

var connection = new ProcessPluginConnection("custom-orphan-test", PluginCommand.Parse(args[1], args[0]), args[0], new RpcPluginOptions(), NullLogger.Instance);
await connection.StartAsync(CancellationToken.None);
Console.WriteLine($"PLUGIN_PID={connection.ProcessId}");
Console.WriteLine($"PLUGIN_ADDRESS={connection.Address}");
await Task.Delay(Timeout.Infinite);
return 0;
