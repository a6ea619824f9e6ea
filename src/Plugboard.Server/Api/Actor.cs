using System.Security.Claims;

namespace Plugboard.Server.Api;

/// <summary>Who is calling: the name of the token's owner, the actor of every event the call causes.</summary>
public static class Actor
{
    /// <summary>The caller's name.</summary>
    public static string Of(ClaimsPrincipal user) => user.Identity?.Name ?? "anonymous";
}
