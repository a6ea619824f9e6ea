using Microsoft.Extensions.DependencyInjection;
using Plugboard.PluginSdk;
using UserSync.Plugins.CsvProcess;

return await PluginServer.RunAsync(args, plugin =>
{
    // One instance serves every call (it keeps no per-call state): cheaper than Grpc.AspNetCore's default of one per call.
    plugin.Services.AddSingleton<CsvDataSourceService>();
    plugin
        .AddPlugin<CsvDataSource>()
        .AddConfiguration(CsvProcessJson.Default.CsvProcessConfig)
        .AddGrpcService<CsvDataSourceService>();
});
