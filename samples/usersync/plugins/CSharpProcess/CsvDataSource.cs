using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Plugboard;

namespace UserSync.Plugins.CsvProcess;

/// <summary>A data source over two CSV files, served over gRPC by the plugin SDK.</summary>
public sealed class CsvDataSource : PluginBase<CsvProcessConfig>, IDataSource
{
    private string UsersPath => Path.GetFullPath(Config.UsersFile, AppContext.BaseDirectory);

    private string DepartmentsPath => Path.GetFullPath(Config.DepartmentsFile, AppContext.BaseDirectory);

    /// <inheritdoc />
    public async IAsyncEnumerable<Department> GetDepartmentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in CsvRows.ReadAsync(DepartmentsPath, cancellationToken).ConfigureAwait(false))
        {
            yield return new Department(row["id"], row["name"], Blank(row.GetValueOrDefault("parentId")));
        }
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<User> GetUsersAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in CsvRows.ReadAsync(UsersPath, cancellationToken).ConfigureAwait(false))
        {
            yield return new User(row["id"], row["userName"], row["displayName"], Blank(row.GetValueOrDefault("email")), Blank(row.GetValueOrDefault("departmentId")));
        }
    }

    /// <inheritdoc />
    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Missing() is { } missing
            ? new ConnectionTestResult(false, $"{missing} does not exist; set usersFile/departmentsFile to existing CSV files")
            : new ConnectionTestResult(true, $"reading {UsersPath} and {DepartmentsPath} (pid {Environment.ProcessId})"));

    /// <inheritdoc />
    protected override ValueTask<PluginMetadata> OnInitAsync(CancellationToken cancellationToken)
    {
        Logger.LogInformation("Reading users from {Users} and departments from {Departments}.", UsersPath, DepartmentsPath);
        return new(PluginMetadata.Empty.With("capabilities", new[] { "users", "departments" }).With("pid", Environment.ProcessId));
    }

    /// <inheritdoc />
    public override ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) =>
        new(Missing() is { } missing
            ? VerifyResult.NotReady($"{missing} does not exist; set usersFile/departmentsFile to existing CSV files")
            : VerifyResult.Ready());

    private string? Missing() => !File.Exists(UsersPath) ? UsersPath : !File.Exists(DepartmentsPath) ? DepartmentsPath : null;

    private static string? Blank(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
