namespace Plugboard.Server.Access;

/// <summary>The roles a token may have, and the authorization policies named after them.</summary>
public static class Roles
{
    /// <summary>Every read and every write.</summary>
    public const string Admin = "admin";

    /// <summary>Reads only.</summary>
    public const string Viewer = "viewer";

    /// <summary>
    /// A managed host, bound to one scope: registers itself, reads its scope's desired installations (the one role
    /// that receives secret values), downloads packages by digest and reports. Refused everything else.
    /// </summary>
    public const string Host = "host";

    /// <summary>The policy of the package download: a host or an admin.</summary>
    public const string HostOrAdmin = "host-or-admin";

    /// <summary>Whether <paramref name="role"/> is one of the three.</summary>
    public static bool IsKnown(string? role) => role is Admin or Viewer or Host;
}
