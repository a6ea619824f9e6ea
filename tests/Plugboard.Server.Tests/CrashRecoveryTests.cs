using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Plugboard.Tests.Shared;

namespace Plugboard.Server.Tests;

/// <summary>The center as a real process, killed with SIGKILL mid-installation and started again on the same data folder.</summary>
public sealed class CrashRecoveryTests : IAsyncLifetime
{
    private const string Secret = "kill-secret-value-55";
    private readonly TempFolder _folder = new("center-kill");
    private Process? _server;
    private int _port;

    public Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "contracts"));
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixture.Contracts.dll"), Path.Combine(_folder.Path, "contracts", "Fixture.Contracts.dll"));
        return Task.CompletedTask;
    }

    public Task DisposeAsync()
    {
        Kill();
        _folder.Dispose();
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("Pending")]
    [InlineData("Loading")]
    public async Task Killed_with_SIGKILL_mid_installation_the_center_continues_on_restart_and_realizes_it_once(string killAfter)
    {
        using var client = await StartAsync();
        var package = await FixturePackages.PackAsync("Plugin.Hello", FixturePackages.HelloYaml(), _folder.Path);
        using (var content = new ByteArrayContent(await File.ReadAllBytesAsync(package)))
        {
            Assert.Equal(HttpStatusCode.Created, (await client.PostAsync("/api/v1/packages", content)).StatusCode);
        }

        var created = await TestCenter.Json(await client.PostAsJsonAsync("/api/v1/installations", new { plugin = "custom-hello", version = "1.0.0", config = new { apiKey = Secret } }));
        var id = (string)created["id"]!;
        if (killAfter != "Pending")
        {
            for (var i = 0; i < 300 && (string?)(await TestCenter.Json(await client.GetAsync($"/api/v1/installations/{id}")))["phase"] == "Pending"; i++)
            {
                await Task.Delay(10);
            }
        }

        Kill();
        // The killed center may have reached Active just before the kill; what the restarted one does is
        // told apart by time: every event the killed process wrote is older than this.
        var killedAt = DateTimeOffset.UtcNow;
        using var again = await StartAsync();
        // Active as the restarted center realized it: the killed one may have written Active before it died.
        static bool ActiveAfter(JsonNode? e, DateTimeOffset moment)
            => (string?)e!["phase"] == "Active" && DateTimeOffset.Parse((string)e["time"]!, System.Globalization.CultureInfo.InvariantCulture) > moment;
        JsonObject? installation = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                var realized = (await TestCenter.JsonArray(await again.GetAsync($"/api/v1/events?installation={id}"))).Any(e => ActiveAfter(e, killedAt));
                installation = await TestCenter.Json(await again.GetAsync($"/api/v1/installations/{id}"));
                return realized && (string?)installation["phase"] == "Active";
            },
            () => $"installation {id} was not realized again after the restart; last: {installation}");

        Assert.Equal("Active", (string?)installation!["phase"]);
        Assert.True((bool)installation["secrets"]!["$.apiKey"]!);
        Assert.Single(await TestCenter.JsonArray(await again.GetAsync("/api/v1/installations")));
        var events = await TestCenter.JsonArray(await again.GetAsync($"/api/v1/events?installation={id}"));
        Assert.Single(events, e => (string?)e!["kind"] == "installation.created");

        // After the restart the installation went to Active once (a restarted center realizes what it runs
        // again, once) and stays there.
        await Task.Delay(1000);
        var later = await TestCenter.JsonArray(await again.GetAsync($"/api/v1/events?installation={id}"));
        Assert.Equal(events.Count, later.Count);
        Assert.Single(later, e => ActiveAfter(e, killedAt));
    }

    private async Task<HttpClient> StartAsync()
    {
        _port = FreePort.Next();
        var info = new ProcessStartInfo("dotnet", $"\"{Path.Combine(AppContext.BaseDirectory, "Plugboard.Server.dll")}\" --data \"{_folder.Path}\" --urls http://127.0.0.1:{_port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        info.Environment["PLUGBOARD_ADMIN_TOKEN"] = TestCenter.AdminToken;
        info.Environment["Plugboard__Controller__ResyncInterval"] = "00:00:00.200";
        info.Environment["Plugboard__Controller__InitialBackoff"] = "00:00:00.200";
        _server = Process.Start(info)!;
        _server.OutputDataReceived += (_, e) => Assert.DoesNotContain(Secret, e.Data ?? string.Empty);
        _server.ErrorDataReceived += (_, e) => Assert.DoesNotContain(Secret, e.Data ?? string.Empty);
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_port}") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", TestCenter.AdminToken);
        for (var i = 0; i < 300; i++)
        {
            try
            {
                if ((await client.GetAsync("/readyz")).IsSuccessStatusCode)
                {
                    return client;
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        client.Dispose();
        throw new InvalidOperationException("the center did not start");
    }

    private void Kill()
    {
        if (_server is { HasExited: false })
        {
            // SIGKILL: no shutdown hooks run, as when the machine loses power.
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit();
        }

        _server?.Dispose();
        _server = null;
    }
}
