using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Hosting;
using Plugboard.Cli.Console;
using Plugboard.Server;

namespace Plugboard.Cli.Center;

/// <summary>
/// <c>plugboard serve</c>: runs the plugin center (Plugboard.Server) in this process, with the options of
/// scripts/center.sh: <c>--data</c>, <c>--urls</c>, <c>--demo-source</c>, and any other ASP.NET Core or
/// <c>Plugboard:…</c> setting as <c>--Key=value</c>.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(CliContext context)
    {
        var data = new Option<string?>("--data") { Description = "The folder for the store, the package cache and the secret key. Default: $PLUGBOARD_DATA, else ~/.plugboard/center.", HelpName = "DIR" };
        var urls = new Option<string?>("--urls") { Description = "Where to listen (';' between several). Default: $ASPNETCORE_URLS, else http://127.0.0.1:5280.", HelpName = "URLS" };
        var demo = new Option<string?>("--demo-source") { Description = "A folder of .pbpkg files added as the source 'demo' and synced at first start.", HelpName = "DIR" };
        var command = new Command("serve", "Run the plugin center here: REST API, catalog, installations and their controller. At first start it prints the admin token. Ctrl+C stops it.")
        {
            data, urls, demo,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            // The center reads its appsettings.json next to this program, wherever it is started from.
            var args = new List<string> { "--contentRoot", AppContext.BaseDirectory };
            foreach (var (option, name) in new[] { (data, "--data"), (urls, "--urls"), (demo, "--demo-source") })
            {
                if (parse.GetValue(option) is { Length: > 0 } value)
                {
                    args.Add(name);
                    args.Add(name == "--urls" ? value : context.Environment.ResolvePath(value));
                }
            }

            args.AddRange(parse.UnmatchedTokens);
            var app = CenterApplication.Build([.. args]);
            await using (app.ConfigureAwait(false))
            {
                app.Lifetime.ApplicationStarted.Register(() =>
                {
                    foreach (var address in app.Urls)
                    {
                        context.Console.Out.WriteLine($"Plugboard center listening on {address} (admin UI: {address}/, API reference: {address}/reference)");
                    }

                    context.Console.Out.WriteLine($"Use it with: export {CenterConnection.UrlVariable}={app.Urls.FirstOrDefault()} {CenterConnection.TokenVariable}=<the admin token>; plugboard plugins list");
                });
                await app.StartAsync(cancellationToken);
                await app.WaitForShutdownAsync(cancellationToken);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
