using System.Net;
using System.Security.Claims;
using Plugboard.Server.Access;

namespace Plugboard.Server.Hosts;

/// <summary>What a <c>host</c> token may do, checked in one place: which scope it is bound to, and over which transport.</summary>
public static class HostCaller
{
    /// <summary>The claim carrying a host token's scope.</summary>
    public const string ScopeClaim = "scope";

    /// <summary>The scope the caller's host token is bound to; null for other roles.</summary>
    public static string? ScopeOf(ClaimsPrincipal user) => user.IsInRole(Roles.Host) ? user.FindFirstValue(ScopeClaim) : null;

    /// <summary>The id of the caller's token.</summary>
    public static string TokenIdOf(ClaimsPrincipal user) => user.FindFirstValue("token_id") ?? "";

    /// <summary>
    /// A problem when a host token is used over plain HTTP from another machine: the host token is the one credential
    /// that receives secret values, so it travels only over TLS (or stays on this machine's loopback). Null when allowed.
    /// </summary>
    public static IResult? RefuseInsecure(HttpContext http)
    {
        if (http.Request.IsHttps || http.Connection.RemoteIpAddress is null || IPAddress.IsLoopback(http.Connection.RemoteIpAddress))
        {
            return null;
        }

        return Results.Problem(
            title: "TLS required",
            detail: "Host tokens receive secret configuration values and are accepted only over HTTPS (or from loopback); serve the center over https:// and point the host's Plugboard:Center:Url at it.",
            statusCode: StatusCodes.Status403Forbidden);
    }
}
