using System.Net;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Plugboard.Sources.Transport;

namespace Plugboard.Sources.S3.Connection;

/// <summary>
/// Creates S3 clients configured the way Plugboard needs them: checksums only where S3 requires them (so
/// S3-compatible servers that do not know the newer checksum headers work), path-style addressing where
/// configured, an endpoint only from the options (never from ambient AWS configuration), the transport
/// policy and CA bundle of the options. Register one in DI to wrap the HTTP handler (proxies, telemetry).
/// </summary>
public class S3ClientFactory
{
    private readonly Func<HttpMessageHandler, HttpMessageHandler>? _wrapHandler;

    /// <summary>Creates the factory.</summary>
    /// <param name="wrapHandler">Wraps the HTTP handler every request goes through (e.g. a <see cref="DelegatingHandler"/> that records requests); null sends them as they are.</param>
    public S3ClientFactory(Func<HttpMessageHandler, HttpMessageHandler>? wrapHandler = null) => _wrapHandler = wrapHandler;

    /// <summary>Creates a client for <paramref name="options"/>, reading the credentials now.</summary>
    /// <exception cref="InvalidOperationException">The options are invalid or a credential is missing; the message names the owner and the field or variable.</exception>
    public virtual IAmazonS3 Create(S3ConnectionOptions options)
    {
        var errors = options.Validate();
        if (errors.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", errors));
        }

        var credentials = S3CredentialReader.Read(options);
        var config = new AmazonS3Config
        {
            // S3-compatible servers (s3rver, older MinIO) reject or store the flexible-checksum framing the SDK adds by default.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
            ForcePathStyle = options.ResolvedForcePathStyle,
            IgnoreConfiguredEndpointUrls = true,
            Timeout = options.Timeout,
            MaxErrorRetry = 2,
            HttpClientFactory = new HandlerFactory(options, _wrapHandler),
        };
        if (string.IsNullOrWhiteSpace(options.Endpoint))
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region!.Trim());
        }
        else
        {
            config.ServiceURL = options.Endpoint.Trim();
            config.AuthenticationRegion = string.IsNullOrWhiteSpace(options.Region) ? S3ConnectionOptions.DefaultRegion : options.Region.Trim();
        }

        return credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
    }

    /// <summary>Builds the SDK's HttpClient on a SocketsHttpHandler with the CA bundle and the wrapper.</summary>
    private sealed class HandlerFactory(S3ConnectionOptions options, Func<HttpMessageHandler, HttpMessageHandler>? wrap) : HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig)
        {
            // Owned by the HttpClient built from it (disposeHandler), which the caller disposes.
#pragma warning disable CA2000
            var handler = new SocketsHttpHandler
            {
                AutomaticDecompression = DecompressionMethods.None,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectTimeout = TimeSpan.FromSeconds(30),
                AllowAutoRedirect = false,
            };
#pragma warning restore CA2000
            if (!string.IsNullOrWhiteSpace(options.CaBundle))
            {
                var bundle = CaBundle.Load(options.CaBundle, options.Owner);
                handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) => bundle.Validates(certificate, errors);
            }

            return new HttpClient(wrap is null ? handler : wrap(handler), disposeHandler: true) { Timeout = options.Timeout };
        }

        // One HttpClient per S3 client, disposed with it: the SDK's static cache would share it across options.
        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;

        public override string GetConfigUniqueString(IClientConfig clientConfig) => $"plugboard:{RuntimeHelpersId(this)}";

        private static int RuntimeHelpersId(object o) => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(o);
    }
}
