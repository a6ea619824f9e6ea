using System.Security.Cryptography;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Plugboard.Server.Store;

namespace Plugboard.Server.Access;

/// <summary>
/// Creates, checks and revokes API tokens. Tokens are random (<c>pbt_</c> + 32 bytes base64url) and only their
/// SHA-256 hash is stored: a copy of the store does not let anyone sign in.
/// </summary>
public sealed class AccessTokens(IDbContextFactory<CenterDbContext> store, TimeProvider time)
{
    /// <summary>Prefix of every token, so leaked ones are easy to recognise and scan for.</summary>
    public const string Prefix = "pbt_";

    /// <summary>A token as the API shows it (never the token itself after creation).</summary>
    public sealed record TokenInfo(string Id, string Name, string Role, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, string? Scope = null);

    /// <summary>Creates a token; the returned secret is shown once and not kept.</summary>
    public async Task<(TokenInfo Info, string Token)> CreateAsync(string name, string role, string createdBy, string? token, CancellationToken cancellationToken, string? scope = null)
    {
        token ??= Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        var row = new TokenRow
        {
            Id = "tok_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)),
            Name = name,
            Role = role,
            Hash = Hash(token),
            CreatedAt = time.GetUtcNow(),
            CreatedBy = createdBy,
            Scope = scope,
        };
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        db.Tokens.Add(row);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return (ToInfo(row), token);
    }

    /// <summary>The valid token matching <paramref name="token"/>, or null.</summary>
    public async Task<TokenInfo?> FindAsync(string token, CancellationToken cancellationToken)
    {
        var hash = Hash(token);
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Tokens.AsNoTracking().FirstOrDefaultAsync(t => t.Hash == hash && t.RevokedAt == null, cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToInfo(row);
    }

    /// <summary>Every token, revoked ones included.</summary>
    public async Task<IReadOnlyList<TokenInfo>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var rows = await db.Tokens.AsNoTracking().OrderBy(t => t.Id).ToListAsync(cancellationToken).ConfigureAwait(false);
        return rows.Select(ToInfo).ToList();
    }

    /// <summary>Revokes a token by id; false when there is none.</summary>
    public async Task<TokenInfo?> RevokeAsync(string id, CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        var row = await db.Tokens.FirstOrDefaultAsync(t => t.Id == id, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            return null;
        }

        row.RevokedAt ??= time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        return ToInfo(row);
    }

    /// <summary>Whether any admin token exists (valid or not): first start is when none ever did.</summary>
    public async Task<bool> AnyAdminAsync(CancellationToken cancellationToken)
    {
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Tokens.AnyAsync(t => t.Role == Roles.Admin, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Whether a token with this value exists.</summary>
    public async Task<bool> ExistsAsync(string token, CancellationToken cancellationToken)
    {
        var hash = Hash(token);
        await using var db = await store.CreateDbContextAsync(cancellationToken).ConfigureAwait(false);
        return await db.Tokens.AnyAsync(t => t.Hash == hash, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Hex SHA-256 of a token.</summary>
    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static TokenInfo ToInfo(TokenRow row) => new(row.Id, row.Name, row.Role, row.CreatedAt, row.CreatedBy, row.RevokedAt, row.Scope);

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
