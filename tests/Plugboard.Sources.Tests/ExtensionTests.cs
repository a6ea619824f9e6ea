using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Plugboard.Packaging;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.DependencyInjection;
using Plugboard.Sources;
using Plugboard.Sources.Sync;
using Plugboard.Sources.Tests.Fixtures;

namespace Plugboard.Sources.Tests;

/// <summary>The seams another assembly (Plugboard.Sources.S3) builds on: a source type of its own, registered by name.</summary>
public sealed class ExtensionTests : IDisposable
{
    private readonly Workspace _ws = new();

    public void Dispose() => _ws.Dispose();

    [Fact]
    public async Task A_source_type_from_another_assembly_syncs_like_the_built_in_ones()
    {
        var shelf = _ws.Folder("shelf");
        await TestPlugins.WritePackageAsync(shelf, "custom-alpha", "1.0.0");
        _ws.Options.Sources.Add(new SourceOptions { Name = "shelf", Type = "shelf", Settings = { ["folder"] = shelf } });
        using var services = new ServiceCollection()
            .AddLogging()
            .AddPlugboardSources(options =>
            {
                options.CacheDirectory = _ws.CacheDirectory;
                options.Sources = _ws.Options.Sources;
                options.SyncOnStart = false;
            })
            .AddPlugboardSourceType<ShelfSourceProvider>()
            .BuildServiceProvider();

        var run = await services.GetRequiredService<SyncRunner>().SyncAsync();

        Workspace.AssertOk(run);
        Assert.Equal(["custom-alpha"], (await _ws.ResolveAsync()).Select(p => p.Id));
    }

    [Fact]
    public void An_unregistered_source_type_is_refused_with_the_known_ones()
    {
        _ws.Options.Sources.Add(new SourceOptions { Name = "shelf", Type = "shelf" });

        var error = Assert.Throws<SourceConfigurationException>(() => _ws.Runner());

        Assert.Contains("'shelf' is not known", error.Message);
        Assert.Contains("fs, git, http", error.Message);
    }

    [Fact]
    public async Task Progress_is_reported_per_stage()
    {
        var folder = _ws.Folder("plugins");
        TestPlugins.WriteFolder(folder, "custom-alpha", "1.0.0");
        _ws.AddSource("local", "fs", folder);
        var stages = new List<SyncStage>();

        await _ws.Runner().SyncAsync(progress: new SynchronousProgress(p => stages.Add(p.Stage)));

        Assert.Equal([SyncStage.Listing, SyncStage.Fetching, SyncStage.Committing, SyncStage.Succeeded], stages.Distinct());
    }

    [Fact]
    public async Task A_source_removed_from_the_configuration_leaves_the_index_at_the_next_full_sync()
    {
        var one = _ws.Folder("one");
        TestPlugins.WriteFolder(one, "custom-alpha", "1.0.0");
        var two = _ws.Folder("two");
        TestPlugins.WriteFolder(two, "custom-beta", "1.0.0");
        _ws.AddSource("one", "fs", one);
        _ws.AddSource("two", "fs", two);
        Workspace.AssertOk(await _ws.SyncAsync());

        _ws.Options.Sources.RemoveAt(1);
        Workspace.AssertOk(await _ws.SyncAsync());

        Assert.Null((await _ws.Cache().ReadIndexAsync()).Find("two"));
        Assert.Equal(["custom-alpha"], (await _ws.ResolveAsync()).Select(p => p.Id));
    }

    private sealed class SynchronousProgress(Action<SyncProgress> report) : IProgress<SyncProgress>
    {
        public void Report(SyncProgress value) => report(value);
    }

    /// <summary>A whole source type in a page: .pbpkg files on a shelf folder named in <c>Settings:folder</c>.</summary>
    private sealed class ShelfSourceProvider : IPluginSourceProvider
    {
        public string Type => "shelf";

        public void Validate(SourceOptions options, ICollection<string> errors)
        {
            if (!options.Settings.ContainsKey("folder"))
            {
                errors.Add($"Source '{options.Name}': Settings:folder is required for type 'shelf'.");
            }
        }

        public IPluginSource Create(SourceOptions options, SourceContext context) => new ShelfSource(options);
    }

    private sealed class ShelfSource(SourceOptions options) : IPluginSource
    {
        public string Name => options.Name;

        public IReadOnlyList<PluginSet> Sets { get; } = PluginSet.FromOptions(options);

        public async Task<SourceListing> ListAsync(string workDirectory, CancellationToken cancellationToken)
        {
            var packages = new List<SourcePackage>();
            foreach (var file in Directory.EnumerateFiles(options.Settings["folder"], "*" + PackageFormat.Extension))
            {
                packages.Add(new ShelfPackage(file)
                {
                    SetKey = Sets[0].Key,
                    Origin = Path.GetFileName(file),
                    Fingerprint = (await PackageDigest.ComputeFileAsync(file, cancellationToken)).Value,
                });
            }

            return new SourceListing { Packages = packages };
        }
    }

    private sealed class ShelfPackage(string file) : SourcePackage
    {
        public override Task FetchAsync(string packagePath, CancellationToken cancellationToken)
        {
            File.Copy(file, packagePath);
            return Task.CompletedTask;
        }
    }
}
