using System.Collections.Concurrent;

namespace UserSync.Host;

/// <summary>
/// Where imported users and departments land. Entries are keyed by (plugin id, source id) so two
/// sources may use the same ids without overwriting each other; re-importing replaces in place. Safe for imports
/// running at once (a managed host answers every GET /sync as it comes).
/// </summary>
public sealed class UserDirectory
{
    private readonly ConcurrentDictionary<(string Plugin, string Id), Department> _departments = new();
    private readonly ConcurrentDictionary<(string Plugin, string Id), User> _users = new();

    /// <summary>How many departments the directory holds.</summary>
    public int DepartmentCount => _departments.Count;

    /// <summary>How many users the directory holds.</summary>
    public int UserCount => _users.Count;

    /// <summary>Adds or replaces a department imported by a plugin.</summary>
    public void Upsert(string pluginId, Department department) => _departments[(pluginId, department.Id)] = department;

    /// <summary>Adds or replaces a user imported by a plugin.</summary>
    public void Upsert(string pluginId, User user) => _users[(pluginId, user.Id)] = user;

    /// <summary>Users whose department was not imported from the same plugin.</summary>
    public IEnumerable<(string Plugin, User User)> Orphans() =>
        _users.Where(u => u.Value.DepartmentId is { } d && !_departments.ContainsKey((u.Key.Plugin, d)))
              .Select(u => (u.Key.Plugin, u.Value));
}
