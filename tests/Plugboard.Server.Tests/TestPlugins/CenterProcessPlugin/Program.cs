using CenterProcessPlugin;
using Plugboard.PluginSdk;

return await PluginServer.RunAsync(args, plugin => plugin.AddPlugin<GreeterPlugin>());
