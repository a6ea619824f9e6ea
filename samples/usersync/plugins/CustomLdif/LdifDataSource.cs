using System.Runtime.CompilerServices;
using Plugboard;

namespace UserSync.Plugins.CustomLdif;

/// <summary>
/// Reads an LDIF export: entries of the department object class become departments (id = DN),
/// entries of the user object class become users in the department of their parent DN.
/// </summary>
[Plugin("custom-ldif")]
public sealed class LdifDataSource : PluginBase<LdifDataSourceConfig>, IDataSource
{
    public override ValueTask<VerifyResult> VerifyAsync(CancellationToken cancellationToken) =>
        new(File.Exists(Config.Path)
            ? VerifyResult.Ready()
            : VerifyResult.NotReady($"LDIF file '{Config.Path}' does not exist; set 'path' to an existing export."));

    public Task<ConnectionTestResult> TestConnectionAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(File.Exists(Config.Path)
            ? new ConnectionTestResult(true, $"{Config.Path} is readable")
            : new ConnectionTestResult(false, $"{Config.Path} does not exist"));

    public async IAsyncEnumerable<Department> GetDepartmentsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var departmentDns = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        await foreach (var record in ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record.Has("objectClass", Config.DepartmentObjectClass))
            {
                departmentDns.Add(record.Dn);
                var parent = record.ParentDn;
                yield return new Department(record.Dn, record.First("ou") ?? record.Dn, parent is not null && departmentDns.Contains(parent) ? parent : null);
            }
        }
    }

    public async IAsyncEnumerable<User> GetUsersAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var record in ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (record.Has("objectClass", Config.UserObjectClass))
            {
                var uid = record.First("uid") ?? record.Dn;
                yield return new User(uid, uid, record.First("cn") ?? uid, record.First("mail"), record.ParentDn);
            }
        }
    }

    private async IAsyncEnumerable<LdifRecord> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(Config.Path);
        await foreach (var record in LdifRecord.ReadAsync(reader, Config.Path).ConfigureAwait(false))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return record;
        }
    }
}
