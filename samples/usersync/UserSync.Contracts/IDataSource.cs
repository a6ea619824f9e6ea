using Plugboard;

namespace UserSync;

/// <summary>
/// A place users and departments are imported from: a CSV export, an HTTP API, an LDAP directory.
/// Every data-source plugin implements this contract.
/// </summary>
[PluginContract("usersync.datasource", 1)]
public interface IDataSource
{
    /// <summary>Streams every department, parents before children where the source knows the order.</summary>
    IAsyncEnumerable<Department> GetDepartmentsAsync(CancellationToken cancellationToken = default);

    /// <summary>Streams every user.</summary>
    IAsyncEnumerable<User> GetUsersAsync(CancellationToken cancellationToken = default);

    /// <summary>Checks the source can be reached with the configured settings.</summary>
    Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken = default);
}
