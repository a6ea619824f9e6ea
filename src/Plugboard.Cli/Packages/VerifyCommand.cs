using System.CommandLine;
using Plugboard.Cli.Console;
using Plugboard.Packaging;

namespace Plugboard.Cli.Packages;

/// <summary><c>plugboard verify FILE [--trust KEYS] [--require-signature] [--digest sha256:…]</c>: everything the verifier checks, and the verdict.</summary>
internal static class VerifyCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "The .pbpkg to verify (its signature is read from FILE.sig)." };
        var trust = TrustOption();
        var requireSignature = new Option<bool>("--require-signature") { Description = "Fail unless the package carries a valid signature by a trusted key." };
        var digest = new Option<string?>("--digest") { Description = "The digest the package must have (e.g. from plugboard.lock).", HelpName = "sha256:HEX" };
        var json = CliContext.JsonOption();
        var command = new Command("verify", "Verify a package: digest, archive safety, every file against the content list, the manifest, and the signature.")
        {
            file, trust, requireSignature, digest, json,
        };
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            PackageDigest? expected = null;
            if (parse.GetValue(digest) is { } text && !PackageDigest.TryParse(text, out expected))
            {
                throw CliException.Usage($"--digest '{text}' is not a digest: give 'sha256:' followed by 64 hex digits.");
            }

            var path = context.Environment.ResolvePath(parse.GetRequiredValue(file));
            if (!File.Exists(path))
            {
                throw new CliException($"Package '{path}' does not exist.");
            }

            var (store, trustFrom) = await TrustStoreLoader.LoadAsync(parse.GetValue(trust), context.Environment, cancellationToken);
            var result = await PackageVerifier.VerifyAsync(
                path,
                new VerificationOptions { TrustStore = store, RequireSignature = parse.GetValue(requireSignature), ExpectedDigest = expected },
                cancellationToken);

            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Console, new
                {
                    package = result.PackagePath,
                    valid = result.IsValid,
                    digest = result.Digest.Value,
                    expectedDigest = expected?.Value,
                    id = result.Contents?.Id,
                    version = result.Contents?.Version,
                    files = result.Contents?.Files.Count,
                    signature = new { status = result.Signature, keyId = result.SignatureKeyId, required = parse.GetValue(requireSignature) },
                    trustedKeys = store?.Keys.Select(k => new { keyId = k.KeyId, source = k.Source }),
                    problems = result.Problems.Select(p => new { kind = p.Kind, entry = p.EntryPath, message = p.Message }),
                });
                return result.IsValid ? ExitCodes.Success : ExitCodes.Failure;
            }

            Write(context.Console, result, expected, store, trustFrom, parse.GetValue(requireSignature));
            return result.IsValid ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    /// <summary>A fresh <c>--trust</c> option (repeatable).</summary>
    public static Option<string[]> TrustOption() => new("--trust")
    {
        Description = "Trusted public keys: a folder of *.pem files or one .pem file; repeatable. Default: ~/.plugboard/trusted-keys when it exists.",
        HelpName = "KEYS",
        AllowMultipleArgumentsPerToken = false,
    };

    private static void Write(CliConsole console, PackageVerification result, PackageDigest? expected, TrustStore? store, IReadOnlyList<string> trustFrom, bool required)
    {
        var problems = result.Problems;
        bool Has(params PackageErrorKind[] kinds) => problems.Any(p => kinds.Contains(p.Kind));

        var output = console.Out;
        output.WriteLine($"Package {result.PackagePath}");
        output.WriteLine($"  digest     {result.Digest}{(expected is null ? string.Empty : Has(PackageErrorKind.DigestMismatch) ? $"  MISMATCH: expected {expected}" : "  (matches the expected digest)")}");
        if (result.Contents is { } contents)
        {
            output.WriteLine($"  plugin     {contents.Id} {contents.Version}");
        }

        var archiveKinds = new[]
        {
            PackageErrorKind.CorruptArchive, PackageErrorKind.ContentListInvalid, PackageErrorKind.ContentMismatch, PackageErrorKind.UnsafePath,
            PackageErrorKind.UnsupportedEntry, PackageErrorKind.DuplicateEntry, PackageErrorKind.LimitExceeded,
        };
        output.WriteLine($"  contents   {(Has(archiveKinds) ? "FAILED" : $"{result.Contents?.Files.Count ?? 0} files match the content list; paths and entries are safe")}");
        output.WriteLine($"  manifest   {(Has(PackageErrorKind.ManifestInvalid, PackageErrorKind.ManifestMismatch) ? "FAILED" : result.Manifest is null ? "not checked" : "valid, and agrees with the content list")}");
        var trustText = store is null ? string.Empty : $"; trust store: {store.Keys.Count} key(s) from {string.Join(", ", trustFrom)}";
        var signatureText = result.Signature switch
        {
            SignatureStatus.Valid => $"valid, by trusted key {result.SignatureKeyId}",
            SignatureStatus.Missing => "none (no .sig file)",
            SignatureStatus.NotChecked => $"signed by key {result.SignatureKeyId}, not checked: no trust store given",
            SignatureStatus.UnknownKey => $"signed by key {result.SignatureKeyId}, which is not trusted",
            _ => "INVALID",
        };
        output.WriteLine($"  signature  {signatureText}{(required ? " (required)" : string.Empty)}{trustText}");
        if (result.IsValid)
        {
            output.WriteLine("Result: valid");
            return;
        }

        output.WriteLine($"Result: INVALID ({problems.Count} problem{(problems.Count == 1 ? string.Empty : "s")})");
        foreach (var problem in problems)
        {
            console.Error.WriteLine($"error: {problem.Message}");
        }
    }
}
