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
/// Imports users and departments from every data-source plugin into the directory. A plugin that did not start,
/// is not ready or fails mid-import is reported and contributes nothing (what it sent before failing is dropped);
/// the others are imported all the same.
/// </summary>
public sealed class UserSyncJob(IPluginRegistry<IDataSource> dataSources, UserDirectory directory, ILogger<UserSyncJob> logger)
{
    /// <summary>Runs one import over every data source known to the host, active or not.</summary>
    public async Task<SyncSummary> RunAsync(CancellationToken cancellationToken)
    {
        var imported = 0;
        var failed = new List<(string, string)>();
        foreach (var status in dataSources.Statuses.OrderBy(s => s.Id, StringComparer.Ordinal))
        {
            var id = status.Id;
            if (!status.IsActive)
            {
                var reason = status.Error ?? status.Verification?.Reason ?? status.Phase.ToString();
                logger.LogWarning("Skipping data source {PluginId}: it is {Phase}: {Reason}. Nothing was imported from it; fix the plugin or its configuration and run again.", id, status.Phase, reason.TrimEnd('.'));
                failed.Add((id, reason));
                continue;
            }

            try
            {
                var source = dataSources.Get(id);
                var test = await source.TestConnectionAsync(cancellationToken).ConfigureAwait(false);
                if (!test.Ok)
                {
                    logger.LogWarning("Skipping data source {PluginId}: its connection test failed: {Reason}. Nothing was imported from it.", id, test.Message);
                    failed.Add((id, test.Message));
                    continue;
                }

                // Read everything first: a plugin that fails half-way contributes nothing rather than part of its data.
                var departments = new List<Department>();
                await foreach (var department in source.GetDepartmentsAsync(cancellationToken).ConfigureAwait(false))
                {
                    departments.Add(department);
                }

                var users = new List<User>();
                await foreach (var user in source.GetUsersAsync(cancellationToken).ConfigureAwait(false))
                {
                    users.Add(user);
                }

                departments.ForEach(d => directory.Upsert(id, d));
                users.ForEach(u => directory.Upsert(id, u));
                logger.LogInformation("Imported {Users} users and {Departments} departments from {PluginId} {Version}", users.Count, departments.Count, id, status.Version);
                imported++;
            }
            catch (Exception ex) when (ImportFailure.Describe(ex) is { } what && !cancellationToken.IsCancellationRequested)
            {
                // An expected failure (the plugin is down, timed out, answered an error): one line saying what and what to do.
                logger.LogError("Data source {PluginId} failed during import: {Failure}. Nothing was imported from it; {Advice}", id, what.Message, what.Advice);
                failed.Add((id, what.Message));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                logger.LogError(ex, "Data source {PluginId} failed during import with an unexpected error; nothing was imported from it", id);
                failed.Add((id, ex.Message));
            }
        }

        return new SyncSummary(directory.UserCount, directory.DepartmentCount, imported, failed);
    }
}
