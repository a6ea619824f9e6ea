using System.Diagnostics;

namespace Plugboard.Tests.Shared;

/// <summary>A real git working repository, made and committed to with the git program, for sources to read.</summary>
public sealed class GitRepo
{
    public GitRepo(string path)
    {
        Path = path;
        Directory.CreateDirectory(path);
        Run(path, "init", "--quiet", "--initial-branch=main");
    }

    public string Path { get; }

    public string Commit(string message = "change")
    {
        // Copied fixture files keep their size and mtime, which git's stat cache takes for "unchanged":
        // empty the index first so every file is hashed again.
        Run(Path, "rm", "-r", "--cached", "--quiet", "--ignore-unmatch", ".");
        Run(Path, "add", "--all");
        Run(Path, "commit", "--quiet", "--allow-empty", "-m", message);
        return Run(Path, "rev-parse", "HEAD").Trim();
    }

    public void Tag(string name) => Run(Path, "tag", "-a", name, "-m", name);

    public static string Run(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_AUTHOR_NAME"] = start.Environment["GIT_COMMITTER_NAME"] = "Plugboard Tests";
        start.Environment["GIT_AUTHOR_EMAIL"] = start.Environment["GIT_COMMITTER_EMAIL"] = "tests@plugboard.invalid";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed: {error.Result}");
        }

        return output.Result;
    }
}
