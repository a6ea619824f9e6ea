using Microsoft.Extensions.DependencyInjection;
using Plugboard.PluginSdk;
using SdkTestPlugin;

// Modes: serve (default), hang (TestConnection never answers), crash (ListUsers kills the process), big (a user larger than 4 MiB), not-ready,
// noise (stdout lines before the handshake), too-noisy, exit-early, bad-version, silent (no handshake).
var mode = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "serve";
switch (mode)
{
    case "exit-early":
        Console.Error.WriteLine("cannot open /nonexistent/directory.json: no such file (test plugin)");
        return 3;
    case "bad-version":
        Console.WriteLine("1|99|unix|/tmp/no-such-plugin.sock|grpc");
        Console.Out.Flush();
        Console.In.ReadToEnd();
        return 0;
    case "silent":
        Console.In.ReadToEnd();
        return 0;
    case "noise":
    case "too-noisy":
        for (var i = 0; i < (mode == "noise" ? 5 : 500); i++)
        {
            Console.WriteLine($"warming up the cache, step {i}");
        }

        break;
}

// Written the ordinary Grpc.AspNetCore way: the contract's service derives from the generated DataSource.DataSourceBase.
return await PluginServer.RunAsync(args, plugin =>
{
    plugin.Services.AddSingleton(new TestMode(mode));
    plugin
        .AddPlugin<TestDataSource>()
        .AddGrpcService<TestDataSourceService>();
});
