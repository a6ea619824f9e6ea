using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Plugboard.Packaging;
using Plugboard.Server.Access;
using Plugboard.Server.Catalog;
using Plugboard.Server.Configuration;
using Plugboard.Server.Events;
using Plugboard.Server.Hosts;
using Plugboard.Server.Store;

namespace Plugboard.Server.Api;

/// <summary>
/// <c>/api/v1/hosts</c>: managed hosts register (and heartbeat), watch their scope's desired installations, download
/// packages by digest and report; operators list them. Everything but the list needs a <c>host</c> token, bound to
/// one scope, over TLS or loopback.
/// </summary>
public static class HostsApi
{
    /// <summary>Maps the endpoints.</summary>
    public static RouteGroupBuilder MapHostsApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/hosts").WithTags("Hosts");
        group.MapGet("/", async (string? scope, HostRegistry hosts, CancellationToken ct) => Results.Ok(await hosts.ListAsync(scope, ct)))
            .RequireAuthorization(Roles.Viewer);
        group.MapPut("/{name}", RegisterAsync).RequireAuthorization(Roles.Host);
        group.MapGet("/{name}/desired", WatchAsync).RequireAuthorization(Roles.Host);
        group.MapPut("/{name}/report", ReportAsync).RequireAuthorization(Roles.Host);
        api.MapGet("/packages/{digest}", DownloadAsync).WithTags("Hosts").RequireAuthorization(Roles.HostOrAdmin);
        return api;
    }

    private static async Task<IResult> RegisterAsync(string name, RegisterHostRequest body, HostRegistry hosts, HttpContext http, CancellationToken ct)
    {
        if (HostCaller.RefuseInsecure(http) is { } refused)
        {
            return refused;
        }

        var scope = HostCaller.ScopeOf(http.User)!;
        var errors = new List<FieldError>();
        if (!IsName(name))
        {
            errors.Add(new("name", "a host name is 1 to 100 letters, digits, '.', '-' or '_'"));
        }

        if (body.Scope is { } asked && asked != scope)
        {
            errors.Add(new("$.scope", $"this host token is bound to scope '{scope}'; register for that scope or use a token of scope '{asked}'"));
        }

        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        var row = await hosts.RegisterAsync(name, scope, HostCaller.TokenIdOf(http.User), body, ct);
        return row is null
            ? Problems.Conflict($"The host name '{name}' is taken by a live host registered with another token; give this host another Plugboard:Center:Name.")
            : Results.Ok(new { row.Name, row.Scope, row.RegisteredAt, row.LastContactAt });
    }

    // The watch: a long poll that resumes. The host sends the revision it has as If-None-Match; the answer comes at once
    // when the desired state differs, else when it changes (a save on this center wakes it; other replicas' saves are
    // seen by a poll every 2 s), else 304 after `wait` seconds (at most Plugboard:Hosts:MaxWatchWait). The watches of
    // one scope share one computation of its state per change (DesiredStateCache).
    private static async Task<IResult> WatchAsync(
        string name, int? wait, HostRegistry hosts, DesiredStateCache desired, EventLog events, TimeProvider time, IOptions<CenterOptions> options, HttpContext http, CancellationToken ct)
    {
        if (HostCaller.RefuseInsecure(http) is { } refused)
        {
            return refused;
        }

        var host = await hosts.FindOwnAsync(name, HostCaller.TokenIdOf(http.User), ct);
        if (host is null)
        {
            return Problems.NotFound($"There is no host '{name}' registered with this token; PUT /api/v1/hosts/{name} registers it.");
        }

        await hosts.TouchAsync(name, ct);
        var known = http.Request.Headers.IfNoneMatch.ToString();
        var max = options.Value.Hosts.MaxWatchWait;
        var deadline = time.GetUtcNow() + TimeSpan.FromSeconds(Math.Clamp(wait ?? 0, 0, max.TotalSeconds));
        while (true)
        {
            var next = events.NextAsync();
            var state = await desired.GetAsync(host.Scope, next, ct);
            var etag = DesiredState.ETagOf(state.Revision);
            if (etag != known)
            {
                http.Response.Headers.ETag = etag;
                http.Response.Headers.CacheControl = "no-store";
                return Results.Ok(state);
            }

            var left = deadline - time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                http.Response.Headers.ETag = etag;
                return Results.StatusCode(StatusCodes.Status304NotModified);
            }

            var poll = left < TimeSpan.FromSeconds(2) ? left : TimeSpan.FromSeconds(2);
            await Task.WhenAny(next, Task.Delay(poll, time, ct)).WaitAsync(ct);
        }
    }

    private static async Task<IResult> ReportAsync(string name, HostReportRequest body, HostRegistry hosts, HttpContext http, CancellationToken ct)
    {
        if (HostCaller.RefuseInsecure(http) is { } refused)
        {
            return refused;
        }

        var host = await hosts.FindOwnAsync(name, HostCaller.TokenIdOf(http.User), ct);
        if (host is null)
        {
            return Problems.NotFound($"There is no host '{name}' registered with this token; PUT /api/v1/hosts/{name} registers it.");
        }

        var reports = body.Installations ?? [];
        var errors = reports.Select((r, i) => (r, i)).Where(x => string.IsNullOrWhiteSpace(x.r.Id) || string.IsNullOrWhiteSpace(x.r.Phase))
            .Select(x => new FieldError($"$.installations[{x.i}]", "id and phase are required")).ToList();
        if (errors.Count > 0)
        {
            return Problems.Validation(errors);
        }

        await hosts.ReportAsync(host, reports, ct);
        return Results.NoContent();
    }

    // A package by digest, from the center's cache, only when the catalog holds a version with that digest; the
    // host checks the bytes against the digest it asked for.
    private static async Task<IResult> DownloadAsync(string digest, IDbContextFactory<CenterDbContext> store, CenterCache cache, HttpContext http, CancellationToken ct)
    {
        if (HostCaller.RefuseInsecure(http) is { } refused)
        {
            return refused;
        }

        if (!PackageDigest.TryParse(digest, out var parsed) || parsed is null)
        {
            return Problems.Field("digest", "a package digest is 'sha256:' followed by 64 hex digits");
        }

        var text = parsed.Value;
        await using (var db = await store.CreateDbContextAsync(ct))
        {
            if (!await db.PluginVersions.AnyAsync(v => v.Digest == text, ct))
            {
                return Problems.NotFound($"No plugin version in the catalog has the package {text}.");
            }
        }

        if (await cache.PackageFileAsync(parsed, ct) is { } path)
        {
            return Results.File(path, "application/octet-stream", enableRangeProcessing: false);
        }

        return Problems.NotFound($"The package {text} is in the catalog but not in the center's cache; sync its source again.");
    }

    private static bool IsName(string name) =>
        name.Length is > 0 and <= 100 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');
}
