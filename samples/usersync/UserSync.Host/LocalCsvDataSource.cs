using System.Runtime.CompilerServices;
using Plugboard;

namespace UserSync.Host;

/// <summary>The configuration of the built-in CSV data source.</summary>
public sealed class LocalCsvConfig
{
    /// <summary>The folder holding <c>departments.csv</c> and <c>users.csv</c>.</summary>
    public string Folder { get; set; } = "data";
}

/// <summary>
/// The built-in data source: <c>departments.csv</c> (id,name,parentId) and <c>users.csv</c>
/// (id,userName,displayName,email,departmentId) in a folder. Built-in plugins carry no id prefix.
/// </summary>
[Plugin("local")]
public sealed class LocalCsvDataSource : PluginBase<LocalCsvConfig>, IDataSource
{
    public override ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) =>
        new(Directory.Exists(Config.Folder)
            ? VerifyResult.Ready()
            : VerifyResult.NotReady($"folder '{Config.Folder}' does not exist; set Plugboard:Plugins:local:Configuration:folder"));

    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(new ConnectionTestResult(Directory.Exists(Config.Folder), Config.Folder));

    public async IAsyncEnumerable<Department> GetDepartmentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in CsvFile.ReadAsync(Path.Combine(Config.Folder, "departments.csv"), cancellationToken).ConfigureAwait(false))
        {
            yield return new Department(row["id"], row["name"], NullIfEmpty(row["parentId"]));
        }
    }

    public async IAsyncEnumerable<User> GetUsersAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var row in CsvFile.ReadAsync(Path.Combine(Config.Folder, "users.csv"), cancellationToken).ConfigureAwait(false))
        {
            yield return new User(row["id"], row["userName"], row["displayName"], NullIfEmpty(row["email"]), NullIfEmpty(row["departmentId"]));
        }
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
