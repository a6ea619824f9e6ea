using Plugboard.Server;

var app = CenterApplication.Build(args);
app.Lifetime.ApplicationStarted.Register(() =>
{
    foreach (var address in app.Urls)
    {
        Console.Out.WriteLine($"Plugboard center listening on {address} (admin UI: {address}/, API reference: {address}/reference)");
    }
});
await app.RunAsync();

/// <summary>The entry point (public for WebApplicationFactory in the tests).</summary>
public partial class Program;
