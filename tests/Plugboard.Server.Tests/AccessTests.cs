using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace Plugboard.Server.Tests;

public sealed class AccessTests : IAsyncLifetime
{
    private readonly TestCenter _center = new();

    public static TheoryData<string, string> WriteEndpoints => new()
    {
        { "POST", "/api/v1/tokens" },
        { "DELETE", "/api/v1/tokens/tok_x" },
        { "POST", "/api/v1/plugins" },
        { "POST", "/api/v1/packages" },
        { "POST", "/api/v1/sources" },
        { "PUT", "/api/v1/sources/demo" },
        { "DELETE", "/api/v1/sources/demo" },
        { "POST", "/api/v1/sources/demo/sync" },
        { "POST", "/api/v1/installations" },
        { "PATCH", "/api/v1/installations/inst_x" },
        { "DELETE", "/api/v1/installations/inst_x" },
    };

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _center.DisposeAsync();

    [Theory]
    [MemberData(nameof(WriteEndpoints))]
    public async Task Every_write_endpoint_answers_401_without_a_token_and_403_to_a_viewer(string method, string path)
    {
        using var anonymous = _center.WithToken(null);
        var none = await anonymous.SendAsync(Request(method, path));
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("application/problem+json", none.Content.Headers.ContentType?.MediaType);

        using var viewer = _center.WithToken(await _center.ViewerTokenAsync());
        var forbidden = await viewer.SendAsync(Request(method, path));
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_viewer_reads_and_a_revoked_token_is_refused()
    {
        var token = await _center.ViewerTokenAsync();
        using var viewer = _center.WithToken(token);
        Assert.Equal(HttpStatusCode.OK, (await viewer.GetAsync("/api/v1/plugins")).StatusCode);

        using var admin = _center.Admin();
        var list = await TestCenter.JsonArray(await admin.GetAsync("/api/v1/tokens"));
        var id = (string)list.Single(t => (string?)t!["name"] == "vera")!["id"]!;
        Assert.DoesNotContain(token, list.ToJsonString());
        Assert.Equal(HttpStatusCode.OK, (await admin.DeleteAsync($"/api/v1/tokens/{id}")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await viewer.GetAsync("/api/v1/plugins")).StatusCode);

        var events = await TestCenter.JsonArray(await admin.GetAsync("/api/v1/events"));
        Assert.Contains(events, e => (string?)e!["kind"] == "token.revoked" && (string?)e["actor"] == "admin");
    }

    [Fact]
    public async Task Health_and_the_OpenAPI_document_need_no_token()
    {
        using var anonymous = _center.WithToken(null);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/healthz")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/readyz")).StatusCode);
        var openapi = await anonymous.GetStringAsync("/openapi/v1.json");
        Assert.Contains("/api/v1/installations/{id}/form", openapi);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync("/reference")).StatusCode);
    }

    [Fact]
    public async Task Malformed_and_oversized_bodies_are_refused_with_problem_details()
    {
        using var admin = _center.Admin();
        var malformed = await admin.PostAsync("/api/v1/installations", new StringContent("{\"plugin\": ", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);

        var huge = "{\"plugin\":\"" + new string('x', 100_000) + "\"}";
        var oversized = await admin.PostAsync("/api/v1/installations", new StringContent(huge, Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, oversized.StatusCode);
        Assert.Equal("application/problem+json", oversized.Content.Headers.ContentType?.MediaType);

        var garbage = await admin.PostAsync("/api/v1/packages", new ByteArrayContent(Encoding.UTF8.GetBytes("not a zip")));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, garbage.StatusCode);
        Assert.Equal("application/problem+json", garbage.Content.Headers.ContentType?.MediaType);
    }

    private static HttpRequestMessage Request(string method, string path) =>
        new(new HttpMethod(method), path) { Content = method == "DELETE" ? null : JsonContent.Create(new { }) };
}
