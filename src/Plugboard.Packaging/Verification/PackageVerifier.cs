using System.Security.Cryptography;
using Plugboard.Manifests;
using Plugboard.Packaging.Archive;

namespace Plugboard.Packaging;

/// <summary>
/// Checks a package without extracting it: its digest against the expected one, every entry against
/// the content list, the manifest, and the detached signature against a trust store.
/// </summary>
public static class PackageVerifier
{
    private const long MaxManifestSize = 1L << 20;

    /// <summary>Verifies the package at <paramref name="packagePath"/>; problems are returned, not thrown.</summary>
    /// <exception cref="PackageException">The package file does not exist (<see cref="PackageErrorKind.NotFound"/>).</exception>
    public static async Task<PackageVerification> VerifyAsync(string packagePath, VerificationOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= VerificationOptions.Default;
        var path = Path.GetFullPath(packagePath);
        if (!File.Exists(path))
        {
            throw new PackageException(PackageErrorKind.NotFound, $"Package '{path}' does not exist.", path);
        }

        var problems = new List<PackageProblem>();
        PackageDigest digest;
        PackageContents? contents = null;
        PluginManifest? manifest = null;
        PackageArchiveReader? reader = null;
        try
        {
            try
            {
                reader = await PackageArchiveReader.OpenAsync(path, options.Limits, expectedDigest: null, cancellationToken).ConfigureAwait(false);
                digest = reader.Digest;
                contents = reader.Contents;
            }
            catch (PackageException ex)
            {
                // Structure is unreadable: report it with the digest, which still identifies the bytes.
                digest = await PackageDigest.ComputeFileAsync(path, cancellationToken).ConfigureAwait(false);
                problems.Add(new PackageProblem(ex.Kind, ex.Message, ex.EntryPath));
            }

            CheckDigest(path, digest, options.ExpectedDigest, problems);
            if (reader is not null && contents is not null)
            {
                manifest = await CheckEntriesAsync(reader, contents, problems, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            reader?.Dispose();
        }

        var (signature, keyId) = await CheckSignatureAsync(path, digest, options, problems, cancellationToken).ConfigureAwait(false);
        return new PackageVerification
        {
            PackagePath = path,
            Digest = digest,
            Contents = contents,
            Manifest = manifest,
            Signature = signature,
            SignatureKeyId = keyId,
            Problems = problems,
        };
    }

    private static void CheckDigest(string path, PackageDigest actual, PackageDigest? expected, List<PackageProblem> problems)
    {
        if (expected is not null && expected != actual)
        {
            problems.Add(new PackageProblem(
                PackageErrorKind.DigestMismatch,
                PackageArchiveReader.DigestMismatchMessage(path, actual, expected)));
        }
    }

    private static async Task<PluginManifest?> CheckEntriesAsync(PackageArchiveReader reader, PackageContents contents, List<PackageProblem> problems, CancellationToken cancellationToken)
    {
        byte[]? manifestBytes = null;
        foreach (var file in contents.Files)
        {
            var isManifest = file.Path == PluginManifest.FileName;
            using var sink = isManifest && file.Size <= MaxManifestSize ? new MemoryStream() : null;
            try
            {
                await reader.CopyFileAsync(file, sink ?? Stream.Null, cancellationToken).ConfigureAwait(false);
                if (sink is not null)
                {
                    manifestBytes = sink.ToArray();
                }
            }
            catch (PackageException ex) when (ex.Kind == PackageErrorKind.ContentMismatch)
            {
                // Keep going: listing every modified file helps whoever investigates the tampering.
                problems.Add(new PackageProblem(ex.Kind, ex.Message, ex.EntryPath));
            }
            catch (PackageException ex)
            {
                problems.Add(new PackageProblem(ex.Kind, ex.Message, ex.EntryPath));
                return null;
            }
        }

        if (manifestBytes is null)
        {
            if (problems.Count == 0)
            {
                problems.Add(new PackageProblem(
                    PackageErrorKind.ManifestInvalid,
                    $"Package '{reader.PackagePath}': '{PluginManifest.FileName}' is larger than {MaxManifestSize} bytes; a manifest that large is not plausible.",
                    PluginManifest.FileName));
            }

            return null;
        }

        PluginManifest manifest;
        try
        {
            manifest = ManifestReader.ParseUtf8(manifestBytes, $"{reader.PackagePath}!/{PluginManifest.FileName}");
        }
        catch (ManifestException ex)
        {
            problems.Add(new PackageProblem(
                PackageErrorKind.ManifestInvalid,
                $"Package '{reader.PackagePath}': its {PluginManifest.FileName} is invalid:{Environment.NewLine}{ManifestErrorText.Format(ex.Errors)}{Environment.NewLine}Ask the publisher for a fixed package.",
                PluginManifest.FileName));
            return null;
        }

        var version = manifest.Version.ToFullString();
        if (manifest.Id != contents.Id || version != contents.Version)
        {
            problems.Add(new PackageProblem(
                PackageErrorKind.ManifestMismatch,
                $"Package '{reader.PackagePath}': the manifest says {manifest.Id} {version} but the content list says {contents.Id} {contents.Version}. The package was modified after packing; do not use it.",
                PluginManifest.FileName));
        }

        return manifest;
    }

    private static async Task<(SignatureStatus Status, string? KeyId)> CheckSignatureAsync(
        string path, PackageDigest digest, VerificationOptions options, List<PackageProblem> problems, CancellationToken cancellationToken)
    {
        var signaturePath = PackageFormat.SignaturePathFor(path);
        if (!File.Exists(signaturePath))
        {
            if (options.RequireSignature)
            {
                problems.Add(new PackageProblem(
                    PackageErrorKind.SignatureMissing,
                    $"Package '{path}' has no signature ('{signaturePath}' does not exist) and a signature is required. Get the .sig file from the publisher, or allow unsigned packages for this source."));
            }

            return (SignatureStatus.Missing, null);
        }

        PackageSignature signature;
        try
        {
            signature = await PackageSignature.ReadAsync(signaturePath, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException ex)
        {
            problems.Add(new PackageProblem(PackageErrorKind.SignatureInvalid, $"Package '{path}': {ex.Message} Get a correct signature file from the publisher."));
            return (SignatureStatus.Invalid, null);
        }

        if (signature.Algorithm != PackageSignature.EcdsaP256Sha256)
        {
            problems.Add(new PackageProblem(
                PackageErrorKind.SignatureInvalid,
                $"Package '{path}': signature by key {signature.KeyId} uses algorithm '{signature.Algorithm}'; only '{PackageSignature.EcdsaP256Sha256}' is supported."));
            return (SignatureStatus.Invalid, signature.KeyId);
        }

        if (signature.Digest != digest)
        {
            problems.Add(new PackageProblem(
                PackageErrorKind.SignatureInvalid,
                $"Package '{path}': the signature by key {signature.KeyId} is for digest {signature.Digest}, but the package has digest {digest}. The package or its signature was replaced; do not use it."));
            return (SignatureStatus.Invalid, signature.KeyId);
        }

        if (options.TrustStore is null)
        {
            if (options.RequireSignature)
            {
                problems.Add(new PackageProblem(
                    PackageErrorKind.UnknownSigningKey,
                    $"Package '{path}' is signed by key {signature.KeyId}, but no trust store was given to check it and a signature is required. Configure a trust store holding the publisher's public key."));
            }

            return (SignatureStatus.NotChecked, signature.KeyId);
        }

        if (!options.TrustStore.TryGetKey(signature.KeyId, out var key))
        {
            if (options.RequireSignature)
            {
                problems.Add(new PackageProblem(
                    PackageErrorKind.UnknownSigningKey,
                    $"Package '{path}' is signed by key {signature.KeyId}, which is not in the trust store. If you trust this publisher, add their public key (id {signature.KeyId}) to the trust store."));
            }

            return (SignatureStatus.UnknownKey, signature.KeyId);
        }

        bool valid;
        try
        {
            valid = key.Verify(digest, signature.GetSignatureBytes());
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException)
        {
            valid = false;
        }

        if (!valid)
        {
            problems.Add(new PackageProblem(
                PackageErrorKind.SignatureInvalid,
                $"Package '{path}': the signature does not verify with trusted key {key}. The package or its signature was tampered with, or signed by another key claiming id {signature.KeyId}; do not use it."));
            return (SignatureStatus.Invalid, signature.KeyId);
        }

        return (SignatureStatus.Valid, signature.KeyId);
    }
}
