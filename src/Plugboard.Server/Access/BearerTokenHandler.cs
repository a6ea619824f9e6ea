using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Plugboard.Server.Access;

/// <summary>Authenticates <c>Authorization: Bearer pbt_…</c> against the stored token hashes.</summary>
public sealed class BearerTokenHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AccessTokens tokens)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    /// <summary>The scheme name.</summary>
    public const string SchemeName = "Bearer";

    /// <inheritdoc />
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        string? token = null;
        if (header is not null && header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            token = header["Bearer ".Length..].Trim();
        }
        else if (Request.Path.StartsWithSegments("/api/v1/events/stream") && Request.Query.TryGetValue("access_token", out var query))
        {
            // Browsers' EventSource cannot set headers; the stream alone accepts the token as a query value.
            token = query.ToString();
        }

        if (string.IsNullOrEmpty(token))
        {
            return AuthenticateResult.NoResult();
        }

        var info = await tokens.FindAsync(token, Context.RequestAborted).ConfigureAwait(false);
        if (info is null)
        {
            return AuthenticateResult.Fail("the token is unknown or revoked");
        }

        List<Claim> claims = [new Claim(ClaimTypes.Name, info.Name), new Claim(ClaimTypes.Role, info.Role), new Claim("token_id", info.Id)];
        if (info.Scope is not null)
        {
            claims.Add(new Claim(Hosts.HostCaller.ScopeClaim, info.Scope));
        }

        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <inheritdoc />
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Bearer";
        await Results.Problem(
            title: "Unauthorized",
            detail: "Send an API token: 'Authorization: Bearer <token>'. The admin token is printed at the center's first start (or set by PLUGBOARD_ADMIN_TOKEN).",
            statusCode: 401).ExecuteAsync(Context).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await Results.Problem(
            title: "Forbidden",
            detail: Context.User.IsInRole(Roles.Host)
                ? "A host token may only register its host, watch its scope's installations, download packages and report; use an admin or viewer token here."
                : Context.User.IsInRole(Roles.Viewer)
                    ? "This token's role (viewer) may only read; use an admin token for changes."
                    : "Use an admin token here.",
            statusCode: 403).ExecuteAsync(Context).ConfigureAwait(false);
    }
}
