namespace Plugboard.Server.Access;

/// <summary>The two roles a token may have, and the authorization policies named after them.</summary>
public static class Roles
{
    /// <summary>Every read and every write.</summary>
    public const string Admin = "admin";

    /// <summary>Reads only.</summary>
    public const string Viewer = "viewer";

    /// <summary>Whether <paramref name="role"/> is one of the two.</summary>
    public static bool IsKnown(string? role) => role is Admin or Viewer;
}
