using System.Security.Claims;
using Plugboard.Server.Access;

namespace Plugboard.Server.Api;

/// <summary><c>GET /api/v1/me</c>: who the token belongs to and its role, so a client can show what it may not change as read-only.</summary>
public static class SessionApi
{
    /// <summary>The caller as the API sees it.</summary>
    public sealed record MeDto(string Name, string Role, string? TokenId);

    /// <summary>Maps the endpoint.</summary>
    public static RouteGroupBuilder MapSessionApi(this RouteGroupBuilder api)
    {
        api.MapGet("/me", (HttpContext http) => Results.Ok(new MeDto(
            Actor.Of(http.User),
            http.User.IsInRole(Roles.Admin) ? Roles.Admin : Roles.Viewer,
            http.User.FindFirstValue("token_id")))).WithTags("Tokens").RequireAuthorization(Roles.Viewer);
        return api;
    }
}
