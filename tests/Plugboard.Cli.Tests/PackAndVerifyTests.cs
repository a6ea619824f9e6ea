using System.Text.Json;
using Plugboard.Cli.Tests.Infrastructure;

namespace Plugboard.Cli.Tests;

public sealed class PackAndVerifyTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Pack_writes_a_package_that_verify_accepts_with_the_same_digest()
    {
        var folder = PluginFolders.Process(_sandbox, "src/hello");
        var package = _sandbox.PathOf("out", "hello.pbpkg");

        var pack = await CliRunner.RunAsync(_sandbox, "pack", folder, "-o", package);
        var verify = await CliRunner.RunAsync(_sandbox, "verify", package, "--json");

        Assert.Equal(0, pack.ExitCode);
        Assert.Contains("Packed custom-hello 1.0.0", pack.Out, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(verify.Out);
        var digest = json.RootElement.GetProperty("digest").GetString()!;
        Assert.Contains($"digest:    {digest}", pack.Out, StringComparison.Ordinal);
        Assert.Equal(0, verify.ExitCode);
        Assert.True(json.RootElement.GetProperty("valid").GetBoolean());
        Assert.Equal("custom-hello", json.RootElement.GetProperty("id").GetString());
        Assert.Equal("missing", json.RootElement.GetProperty("signature").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Pack_of_a_csharp_project_folder_leaves_out_bin_and_obj_and_says_so()
    {
        _sandbox.WriteFile("src/hello/plugin.yaml", """
            id: custom-hello
            version: 1.0.0
            runtime: assembly
            entry: publish/Hello.dll
            """);
        _sandbox.WriteFile("src/hello/Hello.csproj", "<Project Sdk=\"Microsoft.NET.Sdk\" />");
        _sandbox.WriteFile("src/hello/publish/Hello.dll", "published");
        _sandbox.WriteFile("src/hello/bin/Debug/net10.0/Hello.dll", "built");
        _sandbox.WriteFile("src/hello/obj/project.assets.json", "{}");

        var pack = await CliRunner.RunAsync(_sandbox, "pack", _sandbox.PathOf("src/hello"), "-o", _sandbox.PathOf("hello.pbpkg"));
        var json = await CliRunner.RunAsync(_sandbox, "pack", _sandbox.PathOf("src/hello"), "-o", _sandbox.PathOf("hello.pbpkg"), "--json");

        Assert.Equal(0, pack.ExitCode);
        Assert.Contains("left out:  bin/, obj/ (default rules for a .NET project folder; write a .pbignore to choose)", pack.Out, StringComparison.Ordinal);
        Assert.Contains("files:     3 ", pack.Out, StringComparison.Ordinal);
        using var document = JsonDocument.Parse(json.Out);
        Assert.Equal(["bin/", "obj/"], document.RootElement.GetProperty("leftOut").EnumerateArray().Select(e => e.GetString()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Pack_into_a_folder_names_the_package_after_id_and_version_and_is_deterministic()
    {
        var folder = PluginFolders.Process(_sandbox, "src/hello", version: "2.1.0");
        Directory.CreateDirectory(_sandbox.PathOf("a"));
        Directory.CreateDirectory(_sandbox.PathOf("b"));

        var first = await CliRunner.RunAsync(_sandbox, "pack", folder, "-o", _sandbox.PathOf("a"), "--json");
        File.SetLastWriteTimeUtc(Path.Combine(folder, "plugin.yaml"), DateTime.UtcNow.AddDays(-3));
        var second = await CliRunner.RunAsync(_sandbox, "pack", folder, "-o", _sandbox.PathOf("b"), "--json");

        Assert.Equal(0, first.ExitCode);
        Assert.True(File.Exists(_sandbox.PathOf("a", "custom-hello-2.1.0.pbpkg")));
        Assert.Equal(Digest(first.Out), Digest(second.Out));
    }

    [Fact]
    public async Task An_output_ending_in_a_slash_is_a_folder_created_for_the_package()
    {
        var folder = PluginFolders.Process(_sandbox, "src/hello");

        var result = await CliRunner.RunAsync(_sandbox, "pack", folder, "-o", "dist/");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(Path.Combine(_sandbox.WorkingDirectory, "dist", "custom-hello-1.0.0.pbpkg")));
    }

    [Fact]
    public async Task A_package_signed_by_a_trusted_key_verifies_when_a_signature_is_required()
    {
        var folder = PluginFolders.Process(_sandbox, "src/hello");
        var keys = await CliRunner.RunAsync(_sandbox, "keys", "generate", "--out", _sandbox.PathOf("keys"), "--name", "publisher", "--json");
        var package = _sandbox.PathOf("out", "hello.pbpkg");

        var pack = await CliRunner.RunAsync(_sandbox, "pack", folder, "-o", package, "--sign", _sandbox.PathOf("keys", "publisher.key"));
        var verify = await CliRunner.RunAsync(_sandbox, "verify", package, "--trust", _sandbox.PathOf("keys", "publisher.pem"), "--require-signature");

        var keyId = JsonDocument.Parse(keys.Out).RootElement.GetProperty("keyId").GetString()!;
        Assert.Equal(0, pack.ExitCode);
        Assert.True(File.Exists(package + ".sig"));
        Assert.Equal(0, verify.ExitCode);
        Assert.Contains($"valid, by trusted key {keyId}", verify.Out, StringComparison.Ordinal);
        Assert.Contains("Result: valid", verify.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_package_signed_by_an_unknown_key_fails_when_a_signature_is_required()
    {
        var folder = PluginFolders.Process(_sandbox, "src/hello");
        await CliRunner.RunAsync(_sandbox, "keys", "generate", "--out", _sandbox.PathOf("keys"), "--name", "publisher");
        await CliRunner.RunAsync(_sandbox, "keys", "generate", "--out", _sandbox.PathOf("trusted"), "--name", "someone-else");
        File.Delete(_sandbox.PathOf("trusted", "someone-else.key"));
        var package = _sandbox.PathOf("out", "hello.pbpkg");
        await CliRunner.RunAsync(_sandbox, "pack", folder, "-o", package, "--sign", _sandbox.PathOf("keys", "publisher.key"));

        var required = await CliRunner.RunAsync(_sandbox, "verify", package, "--trust", _sandbox.PathOf("trusted"), "--require-signature");
        var optional = await CliRunner.RunAsync(_sandbox, "verify", package, "--trust", _sandbox.PathOf("trusted"), "--json");

        Assert.Equal(1, required.ExitCode);
        Assert.Contains("which is not trusted", required.Out, StringComparison.Ordinal);
        Assert.Contains("not in the trust store", required.Error, StringComparison.Ordinal);
        Assert.Equal(0, optional.ExitCode);
        Assert.Equal("unknownKey", JsonDocument.Parse(optional.Out).RootElement.GetProperty("signature").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Pack_lists_every_manifest_error_with_its_line_and_exits_1()
    {
        _sandbox.WriteFile("src/bad/plugin.yaml", "id: Bad_Id\nversion: 1.0\nruntime: teleport\nentry: x\n");
        var package = _sandbox.PathOf("out", "bad.pbpkg");

        var result = await CliRunner.RunAsync(_sandbox, "pack", _sandbox.PathOf("src", "bad"), "-o", package);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("plugin.yaml:1:", result.Error, StringComparison.Ordinal);
        Assert.Contains("plugin.yaml:2:", result.Error, StringComparison.Ordinal);
        Assert.Contains("plugin.yaml:3:", result.Error, StringComparison.Ordinal);
        Assert.Contains("'Bad_Id' is not a plugin id", result.Error, StringComparison.Ordinal);
        Assert.Contains("'teleport' is not a runtime", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(package));
    }

    [Fact]
    public async Task Verify_fails_when_the_package_is_not_the_expected_digest()
    {
        var package = _sandbox.PathOf("out", "hello.pbpkg");
        await CliRunner.RunAsync(_sandbox, "pack", PluginFolders.Process(_sandbox, "src/hello"), "-o", package);

        var result = await CliRunner.RunAsync(_sandbox, "verify", package, "--digest", "sha256:" + new string('0', 64));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("MISMATCH", result.Out, StringComparison.Ordinal);
        Assert.Contains("Result: INVALID", result.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_digest_is_a_usage_error()
    {
        var package = _sandbox.PathOf("out", "hello.pbpkg");
        await CliRunner.RunAsync(_sandbox, "pack", PluginFolders.Process(_sandbox, "src/hello"), "-o", package);

        var result = await CliRunner.RunAsync(_sandbox, "verify", package, "--digest", "md5:abc");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("is not a digest", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Repacking_without_a_key_removes_the_signature_of_the_earlier_package()
    {
        var folder = PluginFolders.Process(_sandbox, "src/hello");
        await CliRunner.RunAsync(_sandbox, "keys", "generate", "--out", _sandbox.PathOf("keys"), "--name", "k");
        var package = _sandbox.PathOf("out", "hello.pbpkg");
        await CliRunner.RunAsync(_sandbox, "pack", folder, "-o", package, "--sign", _sandbox.PathOf("keys", "k.key"));
        _sandbox.WriteFile("src/hello/extra.txt", "changed");

        var repack = await CliRunner.RunAsync(_sandbox, "pack", folder, "-o", package);
        var verify = await CliRunner.RunAsync(_sandbox, "verify", package);

        Assert.Equal(0, repack.ExitCode);
        Assert.False(File.Exists(package + ".sig"));
        Assert.Equal(0, verify.ExitCode);
    }

    private static string Digest(string json) => JsonDocument.Parse(json).RootElement.GetProperty("digest").GetString()!;
}
