using Plugboard.PluginSdk;
using UserSync.Plugins.CsvProcess;

return await PluginServer.RunAsync(args, plugin => plugin
    .AddPlugin<CsvDataSource>()
    .AddConfiguration(CsvProcessJson.Default.CsvProcessConfig)
    .AddGrpcService<CsvDataSourceService>());
