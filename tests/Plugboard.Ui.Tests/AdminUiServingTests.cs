using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Plugboard.Ui.Tests;

/// <summary>How the center serves the UI (its headers) and the two API additions the UI reads: /me and /upgrades.</summary>
public sealed class AdminUiServingTests(UiCenter ui) : IClassFixture<UiCenter>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/app.js")]
    [InlineData("/form.js")]
    [InlineData("/style.css")]
    public async Task EveryUiFileForbidsFramingInlineScriptAndSniffing(string path)
    {
        using var http = ui.Center.WithToken(null);
        using var response = await http.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var csp = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("style-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.False(response.Headers.Contains("Set-Cookie"));
    }

    [Fact]
    public async Task TheIndexPageHasNoInlineScriptOrStyle()
    {
        using var http = ui.Center.WithToken(null);
        var html = await http.GetStringAsync("/");
        Assert.Contains("<script type=\"module\" src=\"app.js\"></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<style", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MeNamesTheTokensOwnerAndRole()
    {
        using var admin = ui.Center.Admin();
        var me = await TestCenter.Json(await admin.GetAsync("/api/v1/me"));
        Assert.Equal("admin", (string?)me["role"]);
        Assert.Equal("admin", (string?)me["name"]);

        using var viewer = ui.Center.WithToken(await ui.Center.ViewerTokenAsync());
        me = await TestCenter.Json(await viewer.GetAsync("/api/v1/me"));
        Assert.Equal("viewer", (string?)me["role"]);
        Assert.Equal("vera", (string?)me["name"]);

        using var nobody = ui.Center.WithToken(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await nobody.GetAsync("/api/v1/me")).StatusCode);
    }

    [Fact]
    public async Task UpgradesSayWhichVersionsTheRulesAllowAndWhyNot()
    {
        var folder = ui.Work.Combine("upgrades-source");
        await UiPackages.FillSourceAsync(folder);
        using var admin = ui.Center.Admin();
        (await admin.PostAsJsonAsync("/api/v1/sources", new { name = "upgrades", type = "fs", path = folder })).EnsureSuccessStatusCode();
        (await admin.PostAsync("/api/v1/sources/upgrades/sync", null)).EnsureSuccessStatusCode();
        var installed = await ui.Center.InstallAsync(new { plugin = "custom-hello", version = "1.0.0", config = new { greeting = "Hi", apiKey = "long-enough-key" } });
        var id = (string)installed["id"]!;
        await ui.Center.WaitForPhaseAsync(id, "Active");

        var options = await TestCenter.JsonArray(await admin.GetAsync($"/api/v1/installations/{id}/upgrades"));
        JsonNode Option(string version) => options.Single(o => (string?)o!["version"] == version)!;
        Assert.Equal(["2.0.0", "1.1.0", "1.0.0"], options.Select(o => (string)o!["version"]!));
        Assert.False((bool)Option("2.0.0")["allowed"]!);
        Assert.Equal("2.0.0 supports upgrades from >=1.1.0 only, not from 1.0.0", (string?)Option("2.0.0")["reason"]);
        Assert.True((bool)Option("1.1.0")["allowed"]!);
        Assert.True((bool)Option("1.0.0")["current"]!);

        // The rule the list shows is the one PATCH enforces.
        var refused = await admin.PatchAsJsonAsync($"/api/v1/installations/{id}", new { version = "2.0.0" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);

        using var nobody = ui.Center.WithToken(null);
        Assert.Equal(HttpStatusCode.Unauthorized, (await nobody.GetAsync($"/api/v1/installations/{id}/upgrades")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync("/api/v1/installations/inst_none/upgrades")).StatusCode);
    }
}
