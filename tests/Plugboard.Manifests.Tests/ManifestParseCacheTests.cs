using System.Globalization;

namespace Plugboard.Manifests.Tests;

/// <summary>A cache of parsed manifests changes how often YAML is parsed, never what a manifest reads as.</summary>
public sealed class ManifestParseCacheTests : IDisposable
{
    private const string Manifest = "id: custom-cached\nversion: 1.0.0\ndescription: one\nentry: a.dll\n";

    private readonly TempFolder _temp = new("parse-cache");

    public void Dispose() => _temp.Dispose();

    private string Folder(string yaml)
    {
        var folder = _temp.Combine("plugin");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, PluginManifest.FileName), yaml);
        return folder;
    }

    private IReadOnlyList<string> Entries(ManifestParseCache cache) =>
        Directory.Exists(cache.Directory) ? Directory.GetFiles(cache.Directory) : [];

    private static string Description(PluginManifest manifest) => manifest.Description.Get(CultureInfo.InvariantCulture)!;

    [Fact]
    public void A_manifest_read_again_unchanged_comes_from_the_cache()
    {
        var folder = Folder(Manifest);
        var cache = new ManifestParseCache(_temp.Combine("cache"));

        Assert.Equal("one", Description(ManifestReader.ReadFile(folder, cache)));
        var entry = Assert.Single(Entries(cache));

        // Change the kept tree only (the kept text still matches the file): what is read now is the tree.
        File.WriteAllText(entry, File.ReadAllText(entry).Replace(",\"one\"]", ",\"from the cache\"]", StringComparison.Ordinal));
        Assert.Equal("from the cache", Description(ManifestReader.ReadFile(folder, cache)));
    }

    [Fact]
    public void A_changed_manifest_is_parsed_again_and_kept_anew()
    {
        var folder = Folder(Manifest);
        var cache = new ManifestParseCache(_temp.Combine("cache"));
        ManifestReader.ReadFile(folder, cache);

        File.WriteAllText(Path.Combine(folder, PluginManifest.FileName), Manifest.Replace("one", "two", StringComparison.Ordinal));

        Assert.Equal("two", Description(ManifestReader.ReadFile(folder, cache)));
        Assert.Contains("two", File.ReadAllText(Assert.Single(Entries(cache))), StringComparison.Ordinal);
    }

    [Fact]
    public void A_cached_manifest_reads_as_a_freshly_parsed_one()
    {
        var folder = ManifestFiles.Folder("ldap");
        var cache = new ManifestParseCache(_temp.Combine("cache"));

        var fresh = ManifestReader.ReadFile(folder);
        ManifestReader.ReadFile(folder, cache);
        var cached = ManifestReader.ReadFile(folder, cache);

        Assert.Single(Entries(cache));
        Assert.Equal(fresh.Id, cached.Id);
        Assert.Equal(fresh.Version, cached.Version);
        Assert.Equal(fresh.Runtime, cached.Runtime);
        Assert.Equal(fresh.Contracts.Select(c => $"{c.Name} {c.Versions}"), cached.Contracts.Select(c => $"{c.Name} {c.Versions}"));
        Assert.Equal(fresh.Entry.OrderBy(e => e.Key, StringComparer.Ordinal), cached.Entry.OrderBy(e => e.Key, StringComparer.Ordinal));
        Assert.Equal(fresh.DisplayName.Get(CultureInfo.GetCultureInfo("zh-CN")), cached.DisplayName.Get(CultureInfo.GetCultureInfo("zh-CN")));
        Assert.Equal(fresh.Tags, cached.Tags);
        Assert.Equal(fresh.ConfigSchema!.ToString(), cached.ConfigSchema!.ToString());
    }

    [Fact]
    public void An_invalid_manifest_is_not_kept_and_fails_alike_every_time()
    {
        var folder = Folder("id: custom-bad\nversion: one\nentry: a.dll\n");
        var cache = new ManifestParseCache(_temp.Combine("cache"));

        var without = Assert.Throws<ManifestException>(() => ManifestReader.ReadFile(folder));
        var first = Assert.Throws<ManifestException>(() => ManifestReader.ReadFile(folder, cache));
        var second = Assert.Throws<ManifestException>(() => ManifestReader.ReadFile(folder, cache));

        Assert.Empty(Entries(cache));
        Assert.Equal(without.Errors.Select(e => (e.Line, e.Column, e.Message)), first.Errors.Select(e => (e.Line, e.Column, e.Message)));
        Assert.Equal(without.Errors.Select(e => (e.Line, e.Column, e.Message)), second.Errors.Select(e => (e.Line, e.Column, e.Message)));
    }

    [Fact]
    public void A_damaged_entry_is_ignored_and_written_again()
    {
        var folder = Folder(Manifest);
        var cache = new ManifestParseCache(_temp.Combine("cache"));
        ManifestReader.ReadFile(folder, cache);
        var entry = Assert.Single(Entries(cache));
        var good = File.ReadAllText(entry);

        File.WriteAllText(entry, good[..(good.Length / 2)]);
        Assert.Equal("one", Description(ManifestReader.ReadFile(folder, cache)));
        Assert.Equal(good, File.ReadAllText(entry));
    }

    [Fact]
    public void A_cache_that_cannot_be_written_only_costs_the_parse()
    {
        var folder = Folder(Manifest);
        var blocked = _temp.Combine("not-a-folder");
        File.WriteAllText(blocked, "a file where the cache folder would be");
        var cache = new ManifestParseCache(blocked);

        Assert.Equal("one", Description(ManifestReader.ReadFile(folder, cache)));
        Assert.Equal("one", Description(ManifestReader.ReadFile(folder, cache)));
    }
}
