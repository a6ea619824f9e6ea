using Plugboard.Sources.Configuration;

namespace Plugboard.Integration.Tests.Fixtures;

/// <summary>
/// A publisher's side and a host's side in one temp folder: a git repository of compiled plugins (under
/// <c>plugins/</c>), served by a real <c>git daemon</c> on 127.0.0.1, and the cache a host syncs it into.
/// </summary>
public sealed class PluginRepository : IDisposable
{
    private readonly TempFolder _temp = new();
    private GitDaemon? _daemon;
    private bool _stopped;

    public PluginRepository()
    {
        Repo = new GitRepo(_temp.Combine("served", "plugins"));
        CacheDirectory = _temp.Combine("cache");
    }

    public GitRepo Repo { get; }

    public string CacheDirectory { get; }

    /// <summary>The repository's URL; fixed by the first <see cref="StartServingAsync"/>.</summary>
    public string Url => _daemon?.UrlOf("plugins") ?? throw new InvalidOperationException("The repository is not served yet; call StartServingAsync.");

    /// <summary>Puts a published fixture plugin at <c>plugins/{folder}</c> in the working tree (replacing that folder) and commits.</summary>
    public string Publish(string fixture, string folder)
    {
        PublishedFixtures.CopyTo(fixture, Path.Combine(Repo.Path, "plugins", folder));
        return Repo.Commit($"publish {fixture} as plugins/{folder}");
    }

    public async Task StartServingAsync() => _daemon ??= await GitDaemon.StartAsync(Path.GetDirectoryName(Repo.Path)!);

    /// <summary>Stops the git daemon: from now on the repository is unreachable, as with the network off.</summary>
    public void StopServing()
    {
        if (!_stopped)
        {
            _stopped = true;
            _daemon?.Dispose();
        }
    }

    /// <summary>Options for one git source reading the <c>plugins/</c> set of the served repository; no background loop.</summary>
    public PlugboardSourcesOptions SourcesOptions() => new()
    {
        CacheDirectory = CacheDirectory,
        SyncInterval = TimeSpan.Zero,
        Sources =
        [
            new SourceOptions
            {
                Name = "team",
                Type = "git",
                Url = Url,
                Ref = "main",
                AllowInsecure = true,
                Sets = [new PluginSetOptions { Path = "plugins" }],
            },
        ],
    };

    public string Combine(params string[] parts) => _temp.Combine(parts);

    public void Dispose()
    {
        StopServing();
        _temp.Dispose();
    }
}
