namespace UserSync;

/// <summary>A user as a data source reports it.</summary>
/// <param name="Id">The source's id for the user.</param>
/// <param name="UserName">The login name.</param>
/// <param name="DisplayName">The full name.</param>
/// <param name="Email">The e-mail address, when known.</param>
/// <param name="DepartmentId">The department the user belongs to, when known.</param>
public sealed record User(string Id, string UserName, string DisplayName, string? Email, string? DepartmentId);
