namespace UserSync.Rpc;

/// <summary>Maps between the contract's records and the usersync.v1 messages (empty string on the wire means absent).</summary>
public static class DataSourceMapping
{
    /// <summary>The message as the contract's record.</summary>
    public static UserSync.Department ToContract(Department message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(message.Id, message.Name, NullIfEmpty(message.ParentId));
    }

    /// <summary>The message as the contract's record.</summary>
    public static UserSync.User ToContract(User message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return new(message.Id, message.UserName, message.DisplayName, NullIfEmpty(message.Email), NullIfEmpty(message.DepartmentId));
    }

    /// <summary>The record as a message.</summary>
    public static Department ToMessage(UserSync.Department department)
    {
        ArgumentNullException.ThrowIfNull(department);
        return new() { Id = department.Id, Name = department.Name, ParentId = department.ParentId ?? string.Empty };
    }

    /// <summary>The record as a message.</summary>
    public static User ToMessage(UserSync.User user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return new()
        {
            Id = user.Id,
            UserName = user.UserName,
            DisplayName = user.DisplayName,
            Email = user.Email ?? string.Empty,
            DepartmentId = user.DepartmentId ?? string.Empty,
        };
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
