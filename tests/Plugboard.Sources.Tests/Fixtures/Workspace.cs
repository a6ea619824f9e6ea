using Plugboard.Sources.Cache;
using Plugboard.Sources.Configuration;
using Plugboard.Sources.Resolution;
using Plugboard.Sources.Sync;

namespace Plugboard.Sources.Tests.Fixtures;

/// <summary>A temp folder with a cache, options being built up, and the real runner and resolver over them.</summary>
public sealed class Workspace : IDisposable
{
    public Workspace()
    {
        Options = new PlugboardSourcesOptions { CacheDirectory = Temp.Combine("cache") };
    }

    public TempFolder Temp { get; } = new("ws");

    public TestLoggerProvider Logs { get; } = new();

    public PlugboardSourcesOptions Options { get; }

    public string CacheDirectory => Options.CacheDirectory;

    public string Folder(string name)
    {
        var path = Temp.Combine(name);
        Directory.CreateDirectory(path);
        return path;
    }

    public SourceOptions AddSource(string name, string type, string location, params PluginSetOptions[] sets)
    {
        var source = new SourceOptions { Name = name, Type = type, Sets = [.. sets] };
        if (type == "fs")
        {
            source.Path = location;
        }
        else
        {
            source.Url = location;
        }

        Options.Sources.Add(source);
        return source;
    }

    public SyncRunner Runner() => SyncRunner.Create(Options, Logs.CreateFactory());

    public Task<SyncRun> SyncAsync(SyncOptions? options = null) => Runner().SyncAsync(options);

    public CacheStore Cache() => new(CacheDirectory);

    public Task<IReadOnlyList<ResolvedPlugin>> ResolveAsync() => new CachedPluginResolver(Cache(), Options).ResolveAsync();

    public static void AssertOk(SyncRun run)
    {
        foreach (var source in run.Sources)
        {
            Assert.True(source.Status == SourceSyncStatus.Ok, $"source {source.Source} failed: {source.Error}");
        }
    }

    public void Dispose()
    {
        Logs.Dispose();
        Temp.Dispose();
    }
}
