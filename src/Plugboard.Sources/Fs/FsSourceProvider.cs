using Plugboard.Sources.Configuration;

namespace Plugboard.Sources.Fs;

/// <summary>Creates <c>fs</c> sources.</summary>
public sealed class FsSourceProvider : IPluginSourceProvider
{
    /// <inheritdoc />
    public string Type => "fs";

    /// <inheritdoc />
    public void Validate(SourceOptions options, ICollection<string> errors)
    {
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            errors.Add($"Source '{options.Name}': Path is required for type 'fs' (the folder holding plugin folders or .pbpkg files).");
        }

        if (!string.IsNullOrWhiteSpace(options.Url))
        {
            errors.Add($"Source '{options.Name}': Url is not used by type 'fs'; give the folder as Path.");
        }
    }

    /// <inheritdoc />
    public IPluginSource Create(SourceOptions options, SourceContext context) => new FsSource(options, context);
}
