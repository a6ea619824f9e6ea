using Plugboard.Sources.Configuration;
using Plugboard.Sources.S3.Connection;
using Plugboard.Sources;

namespace Plugboard.Sources.S3;

/// <summary>Creates <c>s3</c> sources. Register it with <c>services.AddPlugboardS3()</c> or pass it to <c>SyncRunner</c>.</summary>
public sealed class S3SourceProvider : IPluginSourceProvider
{
    private readonly S3ClientFactory _clients;

    /// <summary>Creates the provider with the default client factory.</summary>
    public S3SourceProvider()
        : this(new S3ClientFactory())
    {
    }

    /// <summary>Creates the provider with <paramref name="clients"/> (e.g. one that wraps the HTTP handler).</summary>
    public S3SourceProvider(S3ClientFactory clients) => _clients = clients;

    /// <summary>The type name, <c>s3</c>.</summary>
    public const string TypeName = "s3";

    /// <inheritdoc />
    public string Type => TypeName;

    /// <inheritdoc />
    public void Validate(SourceOptions options, ICollection<string> errors) => S3SourceSettings.Validate(options, errors);

    /// <inheritdoc />
    public IPluginSource Create(SourceOptions options, SourceContext context) => new S3Source(options, context, _clients);
}
