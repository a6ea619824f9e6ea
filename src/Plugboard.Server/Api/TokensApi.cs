using Plugboard.Server.Access;
using Plugboard.Server.Events;
using Microsoft.EntityFrameworkCore;
using Plugboard.Server.Store;

namespace Plugboard.Server.Api;

/// <summary><c>/api/v1/tokens</c>: create (the token shown once), list, revoke.</summary>
public static class TokensApi
{
    /// <summary>The body of POST /api/v1/tokens.</summary>
    public sealed record CreateTokenRequest(string? Name, string? Role, string? Scope = null);

    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapTokensApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/tokens").WithTags("Tokens").RequireAuthorization(Roles.Admin);
        group.MapGet("/", async (AccessTokens tokens, CancellationToken ct) => Results.Ok(await tokens.ListAsync(ct)));
        group.MapPost("/", async (CreateTokenRequest body, AccessTokens tokens, EventLog events, IDbContextFactory<CenterDbContext> store, HttpContext http, CancellationToken ct) =>
        {
            var errors = new List<FieldError>();
            if (string.IsNullOrWhiteSpace(body.Name))
            {
                errors.Add(new("$.name", "required: whose token it is (shown as the actor of their changes)"));
            }

            if (!Roles.IsKnown(body.Role))
            {
                errors.Add(new("$.role", $"must be '{Roles.Admin}', '{Roles.Viewer}' or '{Roles.Host}'"));
            }
            else if (body.Role == Roles.Host && string.IsNullOrWhiteSpace(body.Scope))
            {
                errors.Add(new("$.scope", "required for a host token: the one scope whose installations the host runs"));
            }
            else if (body.Role != Roles.Host && body.Scope is not null)
            {
                errors.Add(new("$.scope", "only a host token is bound to a scope; omit it for admin and viewer tokens"));
            }

            if (errors.Count > 0)
            {
                return Problems.Validation(errors);
            }

            var (info, token) = await tokens.CreateAsync(body.Name!, body.Role!, Actor.Of(http.User), null, ct, body.Role == Roles.Host ? body.Scope!.Trim() : null);
            await using var db = await store.CreateDbContextAsync(ct);
            events.Add(db, "token.created", Actor.Of(http.User), $"token {info.Id} for {info.Name} ({info.Role}{(info.Scope is null ? "" : $", scope '{info.Scope}'")})");
            await db.SaveChangesAsync(ct);
            events.Saved();
            return Results.Created($"/api/v1/tokens/{info.Id}", new { info.Id, info.Name, info.Role, info.Scope, info.CreatedAt, Token = token });
        });
        group.MapDelete("/{id}", async (string id, AccessTokens tokens, EventLog events, IDbContextFactory<CenterDbContext> store, HttpContext http, CancellationToken ct) =>
        {
            var info = await tokens.RevokeAsync(id, ct);
            if (info is null)
            {
                return Problems.NotFound($"There is no token '{id}'; GET /api/v1/tokens lists them.");
            }

            await using var db = await store.CreateDbContextAsync(ct);
            events.Add(db, "token.revoked", Actor.Of(http.User), $"token {info.Id} of {info.Name} revoked");
            await db.SaveChangesAsync(ct);
            events.Saved();
            return Results.Ok(info);
        });
        return api;
    }
}
