using Microsoft.Extensions.Logging;
using Plugboard.Hosting;

namespace UserSync.Host;

/// <summary>The totals of one sync run.</summary>
/// <param name="Users">Users in the directory after the run.</param>
/// <param name="Departments">Departments in the directory after the run.</param>
/// <param name="Plugins">Plugins that were imported from without error.</param>
/// <param name="Failed">Plugins that were skipped or failed, with the reason.</param>
public sealed record SyncSummary(int Users, int Departments, int Plugins, IReadOnlyList<(string Plugin, string Reason)> Failed);

/// <summary>
/// Imports users and departments from every active data-source plugin into the directory. A plugin
/// that is not ready or fails mid-import is reported and skipped; the others are imported all the same.
/// </summary>
public sealed class UserSyncJob(IPluginRegistry<IDataSource> dataSources, UserDirectory directory, ILogger<UserSyncJob> logger)
{
    /// <summary>Runs one import over every data source.</summary>
    public async Task<SyncSummary> RunAsync(CancellationToken cancellationToken)
    {
        var imported = 0;
        var failed = new List<(string, string)>();
        foreach (var id in dataSources.Ids.Order(StringComparer.Ordinal))
        {
            var status = dataSources.GetStatus(id);
            if (!status.IsActive)
            {
                var reason = status.Error ?? status.Verification?.Reason ?? status.Phase.ToString();
                logger.LogWarning("Skipping data source {PluginId}: {Reason}", id, reason);
                failed.Add((id, reason));
                continue;
            }

            try
            {
                var source = dataSources.Get(id);
                var test = await source.TestConnectionAsync(cancellationToken).ConfigureAwait(false);
                if (!test.Ok)
                {
                    logger.LogWarning("Skipping data source {PluginId}: {Reason}", id, test.Message);
                    failed.Add((id, test.Message));
                    continue;
                }

                var departments = 0;
                await foreach (var department in source.GetDepartmentsAsync(cancellationToken).ConfigureAwait(false))
                {
                    directory.Upsert(id, department);
                    departments++;
                }

                var users = 0;
                await foreach (var user in source.GetUsersAsync(cancellationToken).ConfigureAwait(false))
                {
                    directory.Upsert(id, user);
                    users++;
                }

                logger.LogInformation("Imported {Users} users and {Departments} departments from {PluginId} {Version}", users, departments, id, status.Version);
                imported++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Data source {PluginId} failed during import", id);
                failed.Add((id, ex.Message));
            }
        }

        return new SyncSummary(directory.UserCount, directory.DepartmentCount, imported, failed);
    }
}
