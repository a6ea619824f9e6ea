using System.IO.Compression;
using Plugboard.Packaging;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Sync;
using Plugboard.Sources.Tests.Fixtures;

namespace Plugboard.Sources.Tests;

public sealed class VerificationTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task A_tampered_package_fails_its_source_and_the_other_sources_still_sync()
    {
        var bad = _ws.Folder("bad");
        var info = await TestPlugins.WritePackageAsync(bad, "custom-alpha", "1.0.0");
        Tamper(info.Path!);
        var good = _ws.Folder("good");
        TestPlugins.WriteFolder(good, "custom-beta", "1.0.0");
        _ws.AddSource("bad", "fs", bad);
        _ws.AddSource("good", "fs", good);

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["bad"].Status);
        Assert.Contains("custom-alpha-1.0.0.pbpkg", run["bad"].Error);
        Assert.Equal(SourceSyncStatus.Ok, run["good"].Status);
        Assert.Equal(["custom-beta"], (await _ws.ResolveAsync()).Select(p => p.Id));
    }

    [Fact]
    public async Task A_failing_source_keeps_its_previous_cache_state()
    {
        var folder = _ws.Folder("plugins");
        await TestPlugins.WritePackageAsync(folder, "custom-alpha", "1.0.0");
        _ws.AddSource("local", "fs", folder);
        Workspace.AssertOk(await _ws.SyncAsync());
        var before = Assert.Single(await _ws.ResolveAsync());

        var next = await TestPlugins.WritePackageAsync(folder, "custom-alpha", "1.1.0");
        Tamper(next.Path!);
        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["local"].Status);
        var after = Assert.Single(await _ws.ResolveAsync());
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task Signed_packages_by_a_trusted_key_pass_when_signatures_are_required()
    {
        var key = SigningKey.Generate();
        var folder = _ws.Folder("signed");
        await TestPlugins.WritePackageAsync(folder, "custom-alpha", "1.0.0", signer: key);
        var keys = _ws.Temp.Combine("keys");
        await TestPlugins.WriteTrustedKeyAsync(keys, key);
        var source = _ws.AddSource("signed", "fs", folder);
        source.RequireSignature = true;
        source.TrustedKeys = keys;

        var run = await _ws.SyncAsync();
        var again = await _ws.SyncAsync();

        Workspace.AssertOk(run);
        Assert.Single(await _ws.ResolveAsync());
        Assert.Equal(0, again["signed"].PackagesFetched);
    }

    [Fact]
    public async Task A_package_signed_by_an_unknown_key_is_refused()
    {
        var folder = _ws.Folder("signed");
        await TestPlugins.WritePackageAsync(folder, "custom-alpha", "1.0.0", signer: SigningKey.Generate());
        var keys = _ws.Temp.Combine("keys");
        await TestPlugins.WriteTrustedKeyAsync(keys, SigningKey.Generate());
        var source = _ws.AddSource("signed", "fs", folder);
        source.RequireSignature = true;
        source.TrustedKeys = keys;

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["signed"].Status);
        Assert.Contains("not in the trust store", run["signed"].Error);
        Assert.Empty(await _ws.ResolveAsync());
    }

    [Fact]
    public async Task A_bad_signature_is_refused()
    {
        var key = SigningKey.Generate();
        var folder = _ws.Folder("signed");
        var alpha = await TestPlugins.WritePackageAsync(folder, "custom-alpha", "1.0.0");
        var beta = await TestPlugins.WritePackageAsync(_ws.Folder("other"), "custom-beta", "1.0.0");
        // A genuine signature, but of another package: copied next to alpha it must not pass.
        await key.Sign(beta.Digest).WriteAsync(PackageFormat.SignaturePathFor(alpha.Path!));
        var keys = _ws.Temp.Combine("keys");
        await TestPlugins.WriteTrustedKeyAsync(keys, key);
        var source = _ws.AddSource("signed", "fs", folder);
        source.RequireSignature = true;
        source.TrustedKeys = keys;

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["signed"].Status);
        Assert.Contains("is for digest", run["signed"].Error);
    }

    [Fact]
    public async Task An_unsigned_package_is_refused_when_signatures_are_required()
    {
        var folder = _ws.Folder("plain");
        TestPlugins.WriteFolder(folder, "custom-alpha", "1.0.0");
        var keys = _ws.Temp.Combine("keys");
        await TestPlugins.WriteTrustedKeyAsync(keys, SigningKey.Generate());
        var source = _ws.AddSource("plain", "fs", folder);
        source.RequireSignature = true;
        source.TrustedKeys = keys;

        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["plain"].Status);
        Assert.Contains("has no signature", run["plain"].Error);
    }

    [Fact]
    public async Task The_same_version_with_other_bytes_is_refused_naming_both_digests()
    {
        var folder = _ws.Folder("plugins");
        var first = await TestPlugins.WritePackageAsync(folder, "custom-alpha", "1.0.0", content: "one");
        _ws.AddSource("local", "fs", folder);
        Workspace.AssertOk(await _ws.SyncAsync());

        var second = await TestPlugins.WritePackageAsync(folder, "custom-alpha", "1.0.0", content: "two");
        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["local"].Status);
        Assert.Contains(first.Digest.Value, run["local"].Error);
        Assert.Contains(second.Digest.Value, run["local"].Error);
        Assert.Equal(first.Digest, Assert.Single(await _ws.ResolveAsync()).Digest);
    }

    [Fact]
    public async Task Relocking_accepts_new_bytes_for_a_locked_version()
    {
        var folder = _ws.Folder("plugins");
        await TestPlugins.WritePackageAsync(folder, "custom-alpha", "1.0.0", content: "one");
        _ws.AddSource("local", "fs", folder);
        Workspace.AssertOk(await _ws.SyncAsync());

        var second = await TestPlugins.WritePackageAsync(folder, "custom-alpha", "1.0.0", content: "two");
        var run = await _ws.SyncAsync(new SyncOptions { Relock = ["custom-alpha"] });

        Workspace.AssertOk(run);
        Assert.Equal(second.Digest, Assert.Single(await _ws.ResolveAsync()).Digest);
        var lockFile = await Locking.PluginLockFile.LoadAsync(_ws.Options.ResolvedLockFile);
        Assert.Equal(second.Digest, lockFile.Find("custom-alpha", "1.0.0"));
    }

    [Fact]
    public async Task A_lock_file_kept_elsewhere_pins_digests_for_a_new_cache()
    {
        var folder = _ws.Folder("plugins");
        await TestPlugins.WritePackageAsync(folder, "custom-alpha", "1.0.0", content: "one");
        _ws.Options.LockFile = _ws.Temp.Combine("deploy", "plugboard.lock");
        _ws.AddSource("local", "fs", folder);
        Workspace.AssertOk(await _ws.SyncAsync());

        // Another host: empty cache, same lock file; the publisher replaced 1.0.0 meanwhile.
        await TestPlugins.WritePackageAsync(folder, "custom-alpha", "1.0.0", content: "two");
        _ws.Options.CacheDirectory = _ws.Temp.Combine("other-cache");
        var run = await _ws.SyncAsync();

        Assert.Equal(SourceSyncStatus.Failed, run["local"].Status);
        Assert.Contains("plugboard.lock", run["local"].Error);
    }

    private static void Tamper(string packagePath)
    {
        // Rewrites one file inside the archive: the zip stays valid, the content list no longer matches.
        using var zip = ZipFile.Open(packagePath, ZipArchiveMode.Update);
        var entry = zip.Entries.First(e => e.FullName.StartsWith("lib/", StringComparison.Ordinal));
        var name = entry.FullName;
        entry.Delete();
        using var writer = new StreamWriter(zip.CreateEntry(name).Open());
        writer.Write("malicious");
    }
}
