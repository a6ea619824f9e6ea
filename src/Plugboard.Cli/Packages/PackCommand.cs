using System.CommandLine;
using Plugboard.Cli.Console;
using Plugboard.Manifests;
using Plugboard.Packaging;

namespace Plugboard.Cli.Packages;

/// <summary><c>plugboard pack DIR -o FILE [--sign KEYFILE]</c>: a plugin folder into a deterministic <c>.pbpkg</c>.</summary>
internal static class PackCommand
{
    public static Command Create(CliContext context)
    {
        var directory = new Argument<string>("DIR") { Description = "The plugin folder (holding plugin.yaml)." };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "The package file to write, or a folder (existing, or ending in '/') to write {id}-{version}.pbpkg into. Default: {id}-{version}.pbpkg in the current folder.",
            HelpName = "FILE",
        };
        var sign = new Option<string?>("--sign") { Description = "Sign the package with this private key (PEM); writes FILE.sig next to it.", HelpName = "KEYFILE" };
        var json = CliContext.JsonOption();
        var command = new Command("pack", "Validate a plugin folder's manifest and pack the folder into a deterministic .pbpkg.") { directory, output, sign, json };
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var console = context.Console;
            var folder = context.Environment.ResolvePath(parse.GetRequiredValue(directory));
            if (!Directory.Exists(folder))
            {
                throw new CliException($"Plugin folder '{folder}' does not exist.");
            }

            // Load the key first, so a wrong key fails before anything is written.
            var key = parse.GetValue(sign) is { } keyFile ? await SigningKey.LoadAsync(context.Environment.ResolvePath(keyFile), cancellationToken) : null;
            var target = await ResolveOutputAsync(parse.GetValue(output), folder, context.Environment, cancellationToken);
            var info = await PackageWriter.PackAsync(folder, target, cancellationToken: cancellationToken);
            var signaturePath = PackageFormat.SignaturePathFor(info.Path!);
            PackageSignature? signature = null;
            var removedStale = false;
            if (key is not null)
            {
                signature = await key.SignPackageAsync(info.Path!, cancellationToken);
            }
            else if (File.Exists(signaturePath))
            {
                // A signature left from an earlier pack covers other bytes and would make the package fail verification.
                File.Delete(signaturePath);
                removedStale = true;
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(console, new
                {
                    id = info.Id,
                    version = info.Version,
                    digest = info.Digest.Value,
                    path = info.Path,
                    files = info.FileCount,
                    size = info.Size,
                    leftOut = info.LeftOut,
                    ignoreRules = info.IgnoreRules,
                    signature = signature is null ? null : new { path = signaturePath, keyId = signature.KeyId },
                });
                return ExitCodes.Success;
            }

            console.Out.WriteLine($"Packed {info.Id} {info.Version}");
            console.Out.WriteLine($"  package:   {info.Path}");
            console.Out.WriteLine($"  digest:    {info.Digest}");
            console.Out.WriteLine($"  files:     {info.FileCount} ({Sizes.Format(info.Size)})");
            var npmLinks = info.LeftOut.Where(IsNpmLink).ToList();
            var ignored = info.LeftOut.Where(p => !IsNpmLink(p)).ToList();
            if (ignored.Count > 0)
            {
                const int shown = 8;
                var list = string.Join(", ", ignored.Take(shown).Select(TerminalText.Escape)) + (ignored.Count > shown ? $" and {ignored.Count - shown} more" : "");
                var rules = info.IgnoreRules == ".pbignore" ? ".pbignore" : $"{info.IgnoreRules}; write a .pbignore to choose";
                console.Out.WriteLine($"  left out:  {list} ({rules})");
            }

            if (npmLinks.Count > 0)
            {
                console.Out.WriteLine($"  left out:  {npmLinks.Count} npm command link(s) under node_modules/.bin (e.g. {TerminalText.Escape(npmLinks[0])}); a plugin runs its packages, not npm's shims");
            }
            if (signature is not null)
            {
                console.Out.WriteLine($"  signature: {signaturePath} (key {signature.KeyId})");
            }
            else if (removedStale)
            {
                console.Out.WriteLine($"  signature: none (removed the stale {Path.GetFileName(signaturePath)} of an earlier pack)");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static bool IsNpmLink(string path) =>
        path.StartsWith("node_modules/.bin/", StringComparison.Ordinal) || path.Contains("/node_modules/.bin/", StringComparison.Ordinal);

    private static async Task<string> ResolveOutputAsync(string? output, string folder, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var path = output is null ? environment.WorkingDirectory : environment.ResolvePath(output);

        // "-o dist/" names a folder even before it exists.
        if (output is not null && (output.EndsWith('/') || output.EndsWith(Path.DirectorySeparatorChar)))
        {
            Directory.CreateDirectory(path);
        }

        if (!Directory.Exists(path))
        {
            return path;
        }

        // A folder: name the file after the manifest. Reading it here reports every manifest error, as packing would.
        var manifest = await ManifestReader.ReadFileAsync(folder, cancellationToken);
        return Path.Combine(path, PackageFormat.FileNameFor(manifest.Id, manifest.Version.ToFullString()));
    }
}
