using System.Runtime.CompilerServices;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Plugboard.Rpc.Wire;

namespace Plugboard.Rpc.Server;

/// <summary>
/// What a server handler knows of its call: who called, with which headers and deadline, and how to answer
/// beyond the response messages (response headers, trailers, status).
/// </summary>
public sealed class ServerCallContext
{
    private readonly HttpContext _http;
    private readonly RpcServerOptions _options;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource? _deadlineTimer;
    private readonly CancellationTokenSource _callCancellation;
    private readonly TaskCompletionSource? _deadlineReached;
    private readonly string? _requestEncoding;
    private bool _responseStarted;
    private bool _completed;

    internal ServerCallContext(HttpContext http, IMethod method, RpcServerOptions options)
    {
        _http = http;
        _options = options;
        Method = method.FullName;
        Host = http.Request.Host.Value ?? string.Empty;
        Peer = http.Connection.RemoteIpAddress is { } ip
            ? (ip.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? $"ipv6:[{ip}]:{http.Connection.RemotePort}" : $"ipv4:{ip}:{http.Connection.RemotePort}")
            : "unix:";
        RequestHeaders = new Metadata();
        HeaderCodec.AddFromHeaders(RequestHeaders, http.Request.Headers.Select(h => new KeyValuePair<string, IEnumerable<string>>(h.Key, h.Value.Select(v => v ?? string.Empty))));
        _requestEncoding = http.Request.Headers[GrpcProtocol.EncodingHeader].FirstOrDefault();

        Deadline = DateTime.MaxValue;
        if (GrpcTimeout.TryParse(http.Request.Headers[GrpcProtocol.TimeoutHeader].FirstOrDefault(), out var timeout)
            && timeout < TimeSpan.FromMilliseconds(uint.MaxValue - 1))
        {
            Deadline = DateTime.UtcNow + timeout;
            _deadlineTimer = new CancellationTokenSource(timeout);
            _deadlineReached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _deadlineTimer.Token.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), _deadlineReached);
        }

        _callCancellation = CancellationTokenSource.CreateLinkedTokenSource(
            http.RequestAborted, _deadlineTimer?.Token ?? CancellationToken.None);
    }

    /// <summary>The path of the method called, e.g. <c>/plugboard.v1.Plugin/Init</c>.</summary>
    public string Method { get; }

    /// <summary>The authority the client called (<c>:authority</c>).</summary>
    public string Host { get; }

    /// <summary>The caller: <c>ipv4:ADDRESS:PORT</c>, <c>ipv6:[ADDRESS]:PORT</c>, or <c>unix:</c>.</summary>
    public string Peer { get; }

    /// <summary>When the client stops waiting, in UTC; <see cref="DateTime.MaxValue"/> when it set no deadline.</summary>
    public DateTime Deadline { get; }

    /// <summary>The custom metadata the client sent.</summary>
    public Metadata RequestHeaders { get; }

    /// <summary>Cancelled when the client cancels (or goes away) or the deadline passes: stop working then.</summary>
    public CancellationToken CancellationToken => _callCancellation.Token;

    /// <summary>Trailers sent with the status when the handler returns (or throws).</summary>
    public Metadata ResponseTrailers { get; } = new();

    /// <summary>The status sent when the handler returns normally; OK unless set. A thrown <see cref="RpcException"/> wins.</summary>
    public Status Status { get; set; } = Status.Ok;

    /// <summary>The certificate the client presented over mutual TLS, or null.</summary>
    public X509Certificate2? ClientCertificate => _http.Connection.ClientCertificate;

    internal Task? DeadlineReached => _deadlineReached?.Task;

    internal bool IsDeadlineExceeded => _deadlineTimer?.IsCancellationRequested == true;

    /// <summary>The underlying ASP.NET Core request, for what this context does not expose.</summary>
    public HttpContext GetHttpContext() => _http;

    /// <summary>Sends response headers now, before any message. Can be called once, before the first message.</summary>
    /// <exception cref="InvalidOperationException">Headers or a message were already sent.</exception>
    public async Task WriteResponseHeadersAsync(Metadata headers)
    {
        ArgumentNullException.ThrowIfNull(headers);
        await _writeLock.WaitAsync(CancellationToken).ConfigureAwait(false);
        try
        {
            if (_responseStarted || _completed)
            {
                throw new InvalidOperationException($"Response headers of {Method} can be sent only once, before the first message.");
            }

            foreach (var entry in headers)
            {
                _http.Response.Headers.Append(entry.Key, HeaderCodec.EncodeValue(entry));
            }

            _responseStarted = true;
            await _http.Response.StartAsync(CancellationToken).ConfigureAwait(false);
            await _http.Response.BodyWriter.FlushAsync(CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>Releases the call's timers once the request is over.</summary>
    internal void Release()
    {
        _callCancellation.Dispose();
        _deadlineTimer?.Dispose();
        _writeLock.Dispose();
    }

    internal async Task WriteMessageAsync<T>(T message, bool flush, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(message);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_completed)
            {
                throw new InvalidOperationException(
                    $"Cannot write a response message of {Method}: the call is already over (deadline exceeded or client gone).");
            }

            MessageFraming.WriteMessage(_http.Response.BodyWriter, message, _options.MaxSendMessageSize);
            _responseStarted = true;
            if (flush)
            {
                await _http.Response.BodyWriter.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }

    internal async Task<T> ReadSingleRequestAsync<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        var reader = _http.Request.BodyReader;
        var request = await MessageFraming.ReadMessageAsync(reader, parser, _options.MaxReceiveMessageSize, _requestEncoding, CancellationToken).ConfigureAwait(false)
            ?? throw new RpcException(StatusCode.Internal, $"Request message not received: the client ended the stream of {Method} without a message.");
        if (await MessageFraming.ReadMessageAsync(reader, parser, _options.MaxReceiveMessageSize, _requestEncoding, CancellationToken).ConfigureAwait(false) is not null)
        {
            throw new RpcException(StatusCode.Internal, $"Additional data after the request message of {Method}: it takes exactly one message.");
        }

        return request;
    }

    internal async IAsyncEnumerable<T> ReadRequestsAsync<T>(MessageParser<T> parser, [EnumeratorCancellation] CancellationToken cancellationToken = default)
        where T : IMessage<T>
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CancellationToken);
        while (await MessageFraming.ReadMessageAsync(_http.Request.BodyReader, parser, _options.MaxReceiveMessageSize, _requestEncoding, linked.Token).ConfigureAwait(false) is { } request)
        {
            yield return request;
        }
    }

    /// <summary>
    /// Sends the status and trailers once: as trailers after the messages, or as a Trailers-Only response
    /// when nothing was sent yet. With <paramref name="endResponse"/>, ends the HTTP/2 stream at once.
    /// </summary>
    internal async Task CompleteAsync(Status status, bool endResponse)
    {
        await _writeLock.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_completed)
            {
                return;
            }

            _completed = true;
            if (_http.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            var response = _http.Response;
            if (!_responseStarted && !response.HasStarted)
            {
                response.Headers[GrpcProtocol.StatusTrailer] = HeaderCodec.FormatStatusCode(status.StatusCode);
                if (!string.IsNullOrEmpty(status.Detail))
                {
                    response.Headers[GrpcProtocol.MessageTrailer] = PercentEncoding.Encode(status.Detail);
                }

                foreach (var entry in ResponseTrailers)
                {
                    response.Headers.Append(entry.Key, HeaderCodec.EncodeValue(entry));
                }
            }
            else
            {
                response.AppendTrailer(GrpcProtocol.StatusTrailer, HeaderCodec.FormatStatusCode(status.StatusCode));
                if (!string.IsNullOrEmpty(status.Detail))
                {
                    response.AppendTrailer(GrpcProtocol.MessageTrailer, PercentEncoding.Encode(status.Detail));
                }

                foreach (var entry in ResponseTrailers)
                {
                    response.AppendTrailer(entry.Key, HeaderCodec.EncodeValue(entry));
                }
            }

            if (endResponse)
            {
                await response.CompleteAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
