using System.CommandLine;
using System.Net;
using Plugboard.Cli.Console;
using Plugboard.Packaging;
using Plugboard.Server.Api;

namespace Plugboard.Cli.Center;

/// <summary><c>plugboard push PKG</c>: uploads a package into the center's catalog, verified there like a synced one.</summary>
internal static class PushCommand
{
    public static Command Create(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var package = new Argument<string>("PKG") { Description = "The .pbpkg file ('plugboard pack' makes one)." };
        var command = new Command("push", "Upload a .pbpkg into the plugin center's catalog (verified there: digests, manifest, signature when present).") { package };
        center.AddTo(command);
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var path = context.Environment.ResolvePath(parse.GetRequiredValue(package));
            if (!File.Exists(path))
            {
                throw new CliException($"There is no package '{path}'. 'plugboard pack DIR -o {Path.GetFileName(path)}' makes one from a plugin folder.");
            }

            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var reply = await client.UploadAsync<PluginVersionDto>("api/v1/packages", path, cancellationToken);
            if (parse.GetValue(center.Json))
            {
                CenterOutput.Json(context, reply.Json);
                return ExitCodes.Success;
            }

            // The answer is the catalog version, which does not repeat the plugin id; the package's own contents name it.
            var version = reply.Value;
            var local = await PackageVerifier.VerifyAsync(path, cancellationToken: cancellationToken);
            var name = $"{local.Contents?.Id ?? Path.GetFileName(path)} {version.Version}";
            context.Console.Out.WriteLine(reply.Status == HttpStatusCode.Created
                ? $"Pushed {name} into the catalog of {client.Connection.Url}"
                : $"The catalog of {client.Connection.Url} already has {name} with the same digest; nothing changed");
            context.Console.Out.WriteLine($"  digest:  {version.Digest}");
            context.Console.Out.WriteLine($"  runtime: {version.Runtime}");
            context.Console.Out.WriteLine($"  signed:  {version.SignatureKeyId ?? "no"}");
            return ExitCodes.Success;
        });
        return command;
    }
}
