using Microsoft.Extensions.DependencyInjection;
using Plugboard.PluginSdk;
using UserSync.Plugins.CsvProcess;
using UserSync.Rpc;

return await PluginServer.RunAsync(args, plugin => plugin
    .AddPlugin<CsvDataSource>()
    .AddService(DataSourceMethods.ServiceName, (rpc, services) => rpc.AddDataSourceService(services.GetRequiredService<CsvDataSource>())));
