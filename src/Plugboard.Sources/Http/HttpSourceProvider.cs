using Plugboard.Sources.Configuration;
using Plugboard.Sources.Transport;

namespace Plugboard.Sources.Http;

/// <summary>Creates <c>http</c> sources.</summary>
public sealed class HttpSourceProvider : IPluginSourceProvider
{
    /// <inheritdoc />
    public string Type => "http";

    /// <inheritdoc />
    public void Validate(SourceOptions options, ICollection<string> errors)
    {
        if (TransportPolicy.CheckHttpUrl(options, options.Url) is { } problem)
        {
            errors.Add(problem);
        }

        if (!string.IsNullOrWhiteSpace(options.Ref))
        {
            errors.Add($"Source '{options.Name}': Ref is only for git sources; pin http packages with Sets[]:Version.");
        }
    }

    /// <inheritdoc />
    public IPluginSource Create(SourceOptions options, SourceContext context) => new HttpSource(options, context);
}
