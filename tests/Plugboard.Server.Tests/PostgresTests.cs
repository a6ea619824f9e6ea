using System.Net;
using System.Net.Http.Json;

namespace Plugboard.Server.Tests;

[Collection(PostgresCollection.Name)]
public sealed class PostgresTests(PostgresServer postgres)
{
    private const string Secret = "pg-secret-value-91a";
    private static readonly string SharedKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    private static Dictionary<string, string?> Settings(string connection, bool controller) => new()
    {
        ["Plugboard:Store:Provider"] = "postgres",
        ["Plugboard:Store:ConnectionString"] = connection,
        ["Plugboard:Secrets:Key"] = SharedKey,
        ["Plugboard:Controller:Enabled"] = controller ? "true" : "false",
    };

    [Fact]
    public async Task On_PostgreSQL_an_uploaded_plugin_is_installed_to_Active()
    {
        await using var center = new TestCenter(Settings(await postgres.CreateDatabaseAsync(), controller: true));
        var packages = Directory.CreateDirectory(Path.Combine(center.DataDirectory, "in")).FullName;
        await center.UploadAsync(await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml(), packages));
        var id = (string)(await center.InstallAsync(new { plugin = "custom-hello", version = "1.0.0", config = new { greeting = "Moin", apiKey = Secret } }))["id"]!;
        var active = await center.WaitForPhaseAsync(id, "Active");
        Assert.Equal("Moin", (string?)active["metadata"]!["greeting"]);
        Assert.DoesNotContain(Secret, center.Logs.AllText);
    }

    [Fact]
    public async Task Two_centers_on_one_PostgreSQL_refuse_a_write_based_on_a_stale_version_with_the_current_one()
    {
        var connection = await postgres.CreateDatabaseAsync();
        await using var first = new TestCenter(Settings(connection, controller: true));
        var packages = Directory.CreateDirectory(Path.Combine(first.DataDirectory, "in")).FullName;
        await first.UploadAsync(await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml(), packages));
        var id = (string)(await first.InstallAsync(new { plugin = "custom-hello", version = "1.0.0", config = new { apiKey = Secret } }))["id"]!;
        var read = await first.WaitForPhaseAsync(id, "Active");
        var etag = (string)read["eTag"]!;

        await using var second = new TestCenter(Settings(connection, controller: false));
        using var viaSecond = second.Admin();
        var won = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/installations/{id}") { Content = JsonContent.Create(new { config = new { greeting = "From the second" } }) };
        won.Headers.TryAddWithoutValidation("If-Match", etag);
        Assert.Equal(HttpStatusCode.OK, (await viaSecond.SendAsync(won)).StatusCode);

        using var viaFirst = first.Admin();
        var lost = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/installations/{id}") { Content = JsonContent.Create(new { config = new { greeting = "From the first" } }) };
        lost.Headers.TryAddWithoutValidation("If-Match", etag);
        var response = await viaFirst.SendAsync(lost);
        Assert.Equal(HttpStatusCode.PreconditionFailed, response.StatusCode);
        var problem = await TestCenter.Json(response);
        Assert.Equal("From the second", (string?)problem["current"]!["config"]!["greeting"]);

        var final = await first.WaitAsync(id, i => (string?)i["phase"] == "Active" && (string?)i["metadata"]?["greeting"] == "From the second", "Active with the second center's greeting");
        Assert.True((bool)final["secrets"]!["$.apiKey"]!);
    }
}
