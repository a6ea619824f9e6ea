using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Plugboard.Rpc.Wire;

namespace Plugboard.Rpc.Server;

/// <summary>
/// Turns HTTP/2 requests into gRPC calls of the registered methods. <see cref="RpcServer"/> uses it as its
/// whole pipeline; an ASP.NET Core application can also run it as terminal middleware (<c>app.Run(dispatcher.HandleAsync)</c>).
/// </summary>
public sealed class RpcRequestDispatcher
{
    private readonly IReadOnlyDictionary<string, ServerMethodHandler> _handlers;
    private readonly HashSet<string> _services;
    private readonly RpcServerOptions _options;
    private readonly ILogger _logger;

    /// <summary>Creates a dispatcher for the methods of <paramref name="services"/>.</summary>
    public RpcRequestDispatcher(RpcServiceBuilder services, RpcServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        _handlers = new Dictionary<string, ServerMethodHandler>(services.Handlers, StringComparer.Ordinal);
        _services = _handlers.Values.Select(h => h.Method.ServiceName).ToHashSet(StringComparer.Ordinal);
        _options = options ?? new RpcServerOptions();
        _logger = (_options.LoggerFactory ?? NullLoggerFactory.Instance).CreateLogger<RpcRequestDispatcher>();
    }

    /// <summary>Handles one HTTP request as a gRPC call.</summary>
    public Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var request = context.Request;
        var response = context.Response;
        if (!HttpMethods.IsPost(request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return Task.CompletedTask;
        }

        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            // The specification asks for 415 so that non-gRPC clients get an HTTP answer they understand.
            response.StatusCode = StatusCodes.Status415UnsupportedMediaType;
            return RespondTrailersOnly(context, new Status(StatusCode.Internal, $"Content-Type '{request.ContentType}' is not supported: gRPC requires application/grpc."));
        }

        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            response.StatusCode = StatusCodes.Status426UpgradeRequired;
            return RespondTrailersOnly(context, new Status(StatusCode.Internal, $"Request protocol '{request.Protocol}' is not supported: gRPC requires HTTP/2."));
        }

        AllowLongStreams(context);
        var path = request.Path.Value ?? string.Empty;
        if (!_handlers.TryGetValue(path, out var handler))
        {
            var service = path.TrimStart('/').Split('/')[0];
            var detail = _services.Contains(service)
                ? $"Method {path} is unimplemented."
                : $"Service {service} is unimplemented.";
            return RespondTrailersOnly(context, new Status(StatusCode.Unimplemented, detail));
        }

        return handler.HandleAsync(context, _options, _logger);
    }

    /// <summary>Answers with one header block carrying the status, as gRPC allows when there is no message.</summary>
    internal static Task RespondTrailersOnly(HttpContext context, Status status)
    {
        var headers = context.Response.Headers;
        headers.ContentType = GrpcProtocol.ContentType;
        headers[GrpcProtocol.StatusTrailer] = HeaderCodec.FormatStatusCode(status.StatusCode);
        headers[GrpcProtocol.MessageTrailer] = PercentEncoding.Encode(status.Detail);
        return Task.CompletedTask;
    }

    private static void AllowLongStreams(HttpContext context)
    {
        context.Response.ContentType = GrpcProtocol.ContentType;

        // Streaming calls may be long and quiet: size and data-rate limits meant for uploads must not cut them.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } maxSize)
        {
            maxSize.MaxRequestBodySize = null;
        }

        if (context.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } minRequestRate)
        {
            minRequestRate.MinDataRate = null;
        }

        if (context.Features.Get<IHttpMinResponseDataRateFeature>() is { } minResponseRate)
        {
            minResponseRate.MinDataRate = null;
        }
    }
}
