using MyProcessPlugin;
using Plugboard.PluginSdk;

// Started by the host (or 'plugboard test'): the handshake, health, Init/Verify/Shutdown and logs on stderr are the SDK's.
// Started by hand it says it is a plugin and exits; with --listen grpc://127.0.0.1:5000 it serves on its own (endpoint runtime).
return await PluginServer.RunAsync(args, plugin => plugin
    .AddPlugin<GreeterPlugin>()
    .AddGrpcService<GreeterService>());
