using System.ComponentModel;
using System.Diagnostics;
using Plugboard.Cli.Console;
using Plugboard.Sources.Git;

namespace Plugboard.Cli.CommandPlugins.Fetching;

/// <summary>
/// Checks a command plugin out of a git repository at a ref (tag, branch or commit) with the git program. The URL
/// and ref are checked by the rules git sources follow (<see cref="GitUrl"/>, <see cref="GitRefName"/>), every
/// argument is passed as its own word with <c>--</c> before the URL, transport helpers (<c>ext::</c>, <c>fd::</c>)
/// are disabled, and git never prompts.
/// </summary>
internal static class GitCheckout
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>Clones <paramref name="url"/> into <paramref name="destination"/> and checks out <paramref name="reference"/> (the default branch when null).</summary>
    /// <returns>The commit checked out (40 or 64 hex digits).</returns>
    public static async Task<string> CloneAsync(string url, string? reference, FetchOptions options, string destination, TextWriter warnings, TimeProvider time, CancellationToken cancellationToken)
    {
        Check(url, reference, options.AllowInsecure);
        if (GitUrl.IsInsecure(url))
        {
            await warnings.WriteLineAsync($"warning: cloning '{url}' without TLS (--allow-insecure): the plugin could be altered in transit.").ConfigureAwait(false);
        }

        using var timeout = new CancellationTokenSource(Timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        try
        {
            List<string> clone = ["-c", "protocol.ext.allow=never", "-c", "protocol.fd.allow=never"];
            if (options.CaBundle is not null)
            {
                clone.AddRange(["-c", $"http.sslCAInfo={Path.GetFullPath(options.CaBundle)}"]);
            }

            clone.AddRange(["clone", "--quiet", "--no-checkout", "--", url, destination]);
            await RunAsync(clone, null, url, linked.Token).ConfigureAwait(false);

            var commit = reference is null
                ? await RunAsync(["rev-parse", "--verify", "--quiet", "HEAD^{commit}"], destination, url, linked.Token).ConfigureAwait(false)
                : await ResolveAsync(reference, destination, url, linked.Token).ConfigureAwait(false);
            await RunAsync(["checkout", "--quiet", "--detach", commit], destination, url, linked.Token).ConfigureAwait(false);
            return commit;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new CliException($"git did not finish fetching '{url}' within {Timeout.TotalMinutes} minutes; nothing was installed.");
        }
    }

    /// <summary>Splits <c>URL@REF</c>; the ref is what follows the last '@' when the rest is a git URL with a path (so <c>git@host:repo.git</c> keeps its user).</summary>
    public static (string Url, string? Reference) Split(string source)
    {
        var at = source.LastIndexOf('@');
        if (at > 0 && at < source.Length - 1)
        {
            var url = source[..at];
            var reference = source[(at + 1)..];
            var hasPath = !url.Contains("://", StringComparison.Ordinal) || (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.AbsolutePath.Length > 1);
            if (hasPath && GitUrl.Classify(url) is not null && !reference.Contains(':', StringComparison.Ordinal))
            {
                return (url, reference);
            }
        }

        return (source, null);
    }

    private static void Check(string url, string? reference, bool allowInsecure)
    {
        if (GitUrl.Check("git", url, allowInsecure, allowLocalPaths: true) is { } problem)
        {
            var text = problem.Replace("Source 'git': Url", "The git URL", StringComparison.Ordinal)
                .Replace("set AllowInsecure: true for this source", "pass --allow-insecure", StringComparison.Ordinal)
                .Replace("put the token in an environment variable or file named by Credentials:TokenEnv or Credentials:TokenFile", "use a credential helper or ssh", StringComparison.Ordinal);
            throw CliException.Usage(text);
        }

        if (reference is not null && GitRefName.Check(reference) is { } refProblem)
        {
            throw CliException.Usage($"'{reference}' after '@' is not a git ref: {refProblem}. Give a tag, a branch or a full commit id, e.g. {url}@v1.2.0.");
        }
    }

    // A tag or a local name first, then a branch of the remote; only full names reach git, after GitRefName checked them.
    private static async Task<string> ResolveAsync(string reference, string repository, string url, CancellationToken cancellationToken)
    {
        foreach (var candidate in new[] { reference, "refs/tags/" + reference, "refs/remotes/origin/" + reference })
        {
            var commit = await RunAsync(["rev-parse", "--verify", "--quiet", "--end-of-options", candidate + "^{commit}"], repository, url, cancellationToken, allowFailure: true).ConfigureAwait(false);
            if (commit.Length > 0)
            {
                return commit;
            }
        }

        throw new CliException($"'{url}' has no tag, branch or commit '{reference}'. Nothing was installed.");
    }

    private static async Task<string> RunAsync(IReadOnlyList<string> arguments, string? workingDirectory, string url, CancellationToken cancellationToken, bool allowFailure = false)
    {
        var start = new ProcessStartInfo("git")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        if (workingDirectory is not null)
        {
            start.ArgumentList.Add("-C");
            start.ArgumentList.Add(workingDirectory);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["GIT_ASKPASS"] = string.Empty;
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new CliException($"Installing from '{url}' needs the git program, which could not be started ({ex.Message}). Install git, or install from an archive or a folder.", ExitCodes.Failure, ex);
        }

        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        if (process.ExitCode != 0)
        {
            if (allowFailure)
            {
                return string.Empty;
            }

            throw new CliException($"git could not fetch '{url}': {TerminalText.Escape((await error.ConfigureAwait(false)).Trim())}. Nothing was installed.");
        }

        return (await output.ConfigureAwait(false)).Trim();
    }
}
