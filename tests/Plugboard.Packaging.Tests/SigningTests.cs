using System.Security.Cryptography;
using Plugboard.Packaging.Tests.Fixtures;

namespace Plugboard.Packaging.Tests;

public sealed class SigningTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private async Task<PackageInfo> PackSampleAsync(string name = "p.pbpkg")
        => await PackageWriter.PackAsync(SamplePlugin.Write(_temp.Combine("plugin")), _temp.Combine(name));

    private async Task<TrustStore> TrustStoreWithAsync(params SigningKey[] keys)
    {
        var folder = Directory.CreateDirectory(_temp.Combine("trusted")).FullName;
        foreach (var key in keys)
        {
            await File.WriteAllTextAsync(Path.Combine(folder, key.KeyId + ".pem"), key.PublicKeyPem);
        }

        return await TrustStore.LoadDirectoryAsync(folder);
    }

    [Fact]
    public async Task A_package_signed_by_a_trusted_key_verifies()
    {
        var key = SigningKey.Generate();
        var info = await PackSampleAsync();
        await key.SignPackageAsync(info.Path!);

        var verification = await PackageVerifier.VerifyAsync(info.Path!, new VerificationOptions { TrustStore = await TrustStoreWithAsync(key), RequireSignature = true });

        Assert.True(verification.IsValid, string.Join("\n", verification.Problems.Select(p => p.Message)));
        Assert.Equal(SignatureStatus.Valid, verification.Signature);
        Assert.Equal(key.KeyId, verification.SignatureKeyId);
    }

    [Fact]
    public async Task The_signature_file_is_json_next_to_the_package()
    {
        var key = SigningKey.Generate();
        var info = await PackSampleAsync();

        var signature = await key.SignPackageAsync(info.Path!);

        var read = await PackageSignature.ReadAsync(info.Path! + ".sig");
        Assert.Equal(signature, read);
        Assert.Equal("ecdsa-p256-sha256", read.Algorithm);
        Assert.Equal(info.Digest, read.Digest);
        Assert.Equal(key.KeyId, read.KeyId);
        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(info.Path! + ".sig"));
        Assert.Equal(["keyId", "algorithm", "signature", "digest"], json.RootElement.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_tampered_signature_is_rejected_even_when_not_required()
    {
        var key = SigningKey.Generate();
        var info = await PackSampleAsync();
        var signature = await key.SignPackageAsync(info.Path!);
        var bytes = signature.GetSignatureBytes();
        bytes[^1] ^= 0x01;
        await (signature with { Signature = Convert.ToBase64String(bytes) }).WriteAsync(info.Path! + ".sig");

        var verification = await PackageVerifier.VerifyAsync(info.Path!, new VerificationOptions { TrustStore = await TrustStoreWithAsync(key) });

        Assert.Equal(SignatureStatus.Invalid, verification.Signature);
        var problem = Assert.Single(verification.Problems);
        Assert.Equal(PackageErrorKind.SignatureInvalid, problem.Kind);
        Assert.Contains(key.KeyId, problem.Message);
        Assert.Contains(info.Path!, problem.Message);
    }

    [Fact]
    public async Task A_signature_by_another_key_claiming_a_trusted_key_id_is_rejected()
    {
        var trusted = SigningKey.Generate();
        var impostor = SigningKey.Generate();
        var info = await PackSampleAsync();
        var forged = impostor.Sign(info.Digest) with { KeyId = trusted.KeyId };
        await forged.WriteAsync(info.Path! + ".sig");

        var verification = await PackageVerifier.VerifyAsync(info.Path!, new VerificationOptions { TrustStore = await TrustStoreWithAsync(trusted) });

        Assert.Equal(SignatureStatus.Invalid, verification.Signature);
        Assert.Equal(PackageErrorKind.SignatureInvalid, Assert.Single(verification.Problems).Kind);
    }

    [Fact]
    public async Task A_signature_for_another_package_is_rejected()
    {
        var key = SigningKey.Generate();
        var info = await PackSampleAsync();
        var otherDigest = PackageDigest.Parse("sha256:" + new string('a', 64));
        await key.Sign(otherDigest).WriteAsync(info.Path! + ".sig");

        var verification = await PackageVerifier.VerifyAsync(info.Path!, new VerificationOptions { TrustStore = await TrustStoreWithAsync(key) });

        var problem = Assert.Single(verification.Problems);
        Assert.Equal(PackageErrorKind.SignatureInvalid, problem.Kind);
        Assert.Contains(otherDigest.Value, problem.Message);
        Assert.Contains(info.Digest.Value, problem.Message);
    }

    [Fact]
    public async Task A_signature_by_an_unknown_key_fails_when_a_signature_is_required()
    {
        var signer = SigningKey.Generate();
        var info = await PackSampleAsync();
        await signer.SignPackageAsync(info.Path!);

        var verification = await PackageVerifier.VerifyAsync(info.Path!, new VerificationOptions { TrustStore = await TrustStoreWithAsync(SigningKey.Generate()), RequireSignature = true });

        Assert.Equal(SignatureStatus.UnknownKey, verification.Signature);
        var problem = Assert.Single(verification.Problems);
        Assert.Equal(PackageErrorKind.UnknownSigningKey, problem.Kind);
        Assert.Contains(signer.KeyId, problem.Message);
        Assert.Contains(info.Path!, problem.Message);
    }

    [Fact]
    public async Task A_signature_by_an_unknown_key_is_reported_but_accepted_when_not_required()
    {
        var info = await PackSampleAsync();
        await SigningKey.Generate().SignPackageAsync(info.Path!);

        var verification = await PackageVerifier.VerifyAsync(info.Path!, new VerificationOptions { TrustStore = await TrustStoreWithAsync(SigningKey.Generate()) });

        Assert.True(verification.IsValid);
        Assert.Equal(SignatureStatus.UnknownKey, verification.Signature);
    }

    [Fact]
    public async Task A_missing_signature_fails_when_one_is_required()
    {
        var info = await PackSampleAsync();

        var verification = await PackageVerifier.VerifyAsync(info.Path!, new VerificationOptions { TrustStore = await TrustStoreWithAsync(SigningKey.Generate()), RequireSignature = true });

        Assert.Equal(SignatureStatus.Missing, verification.Signature);
        var problem = Assert.Single(verification.Problems);
        Assert.Equal(PackageErrorKind.SignatureMissing, problem.Kind);
        Assert.Contains(info.Path! + ".sig", problem.Message);
    }

    [Fact]
    public async Task A_required_signature_cannot_pass_without_a_trust_store()
    {
        var info = await PackSampleAsync();
        await SigningKey.Generate().SignPackageAsync(info.Path!);

        var verification = await PackageVerifier.VerifyAsync(info.Path!, new VerificationOptions { RequireSignature = true });

        Assert.Equal(SignatureStatus.NotChecked, verification.Signature);
        Assert.Equal(PackageErrorKind.UnknownSigningKey, Assert.Single(verification.Problems).Kind);
    }

    [Fact]
    public async Task A_malformed_signature_file_is_rejected()
    {
        var info = await PackSampleAsync();
        await File.WriteAllTextAsync(info.Path! + ".sig", "{ \"keyId\": \"abc\" }");

        var verification = await PackageVerifier.VerifyAsync(info.Path!, new VerificationOptions { TrustStore = TrustStore.Empty });

        Assert.Equal(SignatureStatus.Invalid, verification.Signature);
        Assert.Equal(PackageErrorKind.SignatureInvalid, Assert.Single(verification.Problems).Kind);
    }

    [Fact]
    public void The_key_id_is_the_first_16_hex_digits_of_the_sha256_of_the_public_key_der()
    {
        var key = SigningKey.Generate();
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(key.PublicKeyPem);

        var expected = Convert.ToHexStringLower(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..16];

        Assert.Equal(expected, key.KeyId);
        Assert.Equal(expected, key.PublicKey.KeyId);
    }

    [Fact]
    public void Keys_are_pkcs8_and_subject_public_key_info_pem_and_read_back()
    {
        var key = SigningKey.Generate();

        var read = SigningKey.FromPem(key.PrivateKeyPem);

        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", key.PrivateKeyPem);
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", key.PublicKeyPem);
        Assert.Equal(key.KeyId, read.KeyId);
        Assert.Equal(key.PublicKeyPem, read.PublicKeyPem);
    }

    [Fact]
    public void Signatures_are_ecdsa_p256_sha256_over_the_digest_text()
    {
        var key = SigningKey.Generate();
        var digest = PackageDigest.Parse("sha256:" + new string('b', 64));

        var signature = key.Sign(digest);

        using var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(key.PublicKeyPem);
        Assert.True(ecdsa.VerifyData(System.Text.Encoding.ASCII.GetBytes(digest.Value), signature.GetSignatureBytes(), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
    }

    [Fact]
    public void A_signature_with_an_unknown_field_is_refused()
    {
        var key = SigningKey.Generate();
        var json = key.Sign(PackageDigest.Parse("sha256:" + new string('b', 64))).ToJson().TrimEnd().TrimEnd('}') + ", \"comment\": \"hello\" }";

        var refused = Assert.Throws<FormatException>(() => PackageSignature.Parse(json, "x.sig"));

        Assert.Contains("unknown field 'comment'", refused.Message);
    }

    [Fact]
    public async Task A_signature_file_over_the_size_limit_is_refused_unread()
    {
        var path = Path.Combine(_temp.Path, "big.sig");
        await File.WriteAllTextAsync(path, "{\"keyId\": \"" + new string('a', PackageSignature.MaxFileBytes) + "\"}");

        var refused = await Assert.ThrowsAsync<FormatException>(() => PackageSignature.ReadAsync(path));

        Assert.Contains($"at most {PackageSignature.MaxFileBytes} bytes", refused.Message);
    }

    [Fact]
    public async Task A_private_key_in_the_trust_store_is_refused_with_a_hint()
    {
        var folder = Directory.CreateDirectory(_temp.Combine("trusted")).FullName;
        await File.WriteAllTextAsync(Path.Combine(folder, "oops.pem"), SigningKey.Generate().PrivateKeyPem);

        var error = await Assert.ThrowsAsync<ArgumentException>(() => TrustStore.LoadDirectoryAsync(folder));

        Assert.Contains("oops.pem", error.Message);
        Assert.Contains("private key", error.Message);
    }

    [Fact]
    public void A_key_on_another_curve_is_refused()
    {
        using var p384 = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var error = Assert.Throws<ArgumentException>(() => TrustedKey.FromPem(p384.ExportSubjectPublicKeyInfoPem()));

        Assert.Contains("P-256", error.Message);
    }
}
