using Plugboard.Sources.Configuration;

namespace Plugboard.Sources;

/// <summary>Creates the sources of one type (<c>fs</c>, <c>git</c>, <c>http</c>, <c>s3</c>, …) from their options.</summary>
public interface IPluginSourceProvider
{
    /// <summary>The type name used in <see cref="SourceOptions.Type"/> (compared ignoring case).</summary>
    string Type { get; }

    /// <summary>Adds to <paramref name="errors"/> what is wrong with the type-specific options (each message names the source and the field).</summary>
    void Validate(SourceOptions options, ICollection<string> errors);

    /// <summary>Creates the source; <paramref name="options"/> were validated.</summary>
    IPluginSource Create(SourceOptions options, SourceContext context);
}
