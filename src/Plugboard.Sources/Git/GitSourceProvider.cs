using Plugboard.Sources.Configuration;

namespace Plugboard.Sources.Git;

/// <summary>Creates <c>git</c> sources.</summary>
public sealed class GitSourceProvider : IPluginSourceProvider
{
    /// <inheritdoc />
    public string Type => "git";

    /// <inheritdoc />
    public void Validate(SourceOptions options, ICollection<string> errors)
    {
        if (GitUrl.Check(options.Name, options.Url, options.AllowInsecure, options.AllowLocalPaths) is { } urlError)
        {
            errors.Add(urlError);
        }

        foreach (var (reference, where) in new[] { (options.Ref, "Ref") }.Concat(options.Sets.Select((s, i) => (s.Ref, $"Sets[{i}]:Ref"))))
        {
            if (!string.IsNullOrWhiteSpace(reference) && GitRefName.Check(reference.Trim()) is { } refError)
            {
                errors.Add($"Source '{options.Name}': {where} '{reference}' is not a valid git ref ({refError}); use a branch, a tag, refs/… or a full 40-hex commit id.");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.Path))
        {
            errors.Add($"Source '{options.Name}': Path is not used by type 'git'; give sub-paths in Sets[]:Path.");
        }
    }

    /// <inheritdoc />
    public IPluginSource Create(SourceOptions options, SourceContext context) => new GitSource(options, context);
}
