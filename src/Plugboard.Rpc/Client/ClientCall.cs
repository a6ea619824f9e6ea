using System.IO.Pipelines;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using Google.Protobuf;
using Plugboard.Rpc.Wire;

namespace Plugboard.Rpc.Client;

/// <summary>
/// One call on the client: sends the HTTP/2 request, reads framed messages and the status, and turns every
/// failure (transport, deadline, cancellation, protocol) into an <see cref="RpcException"/>.
/// </summary>
internal sealed class ClientCall : IDisposable
{
    private readonly HttpCallInvoker _invoker;
    private readonly IMethod _method;
    private readonly CallOptions _options;
    private readonly CancellationToken _enumerationToken;
    private readonly CancellationTokenSource? _deadlineTimer;
    private readonly CancellationTokenSource _callCancellation;
    private readonly TimeSpan? _timeout;
    private readonly ResponseMetadata _responseMetadata;
    private HttpRequestMessage? _request;
    private HttpResponseMessage? _response;
    private Stream? _responseStream;
    private PipeReader? _reader;
    private string? _responseEncoding;
    private Status? _trailersOnlyStatus;
    private Exception? _requestFailure;
    private bool _statusFromServer;
    private bool _finished;

    public ClientCall(HttpCallInvoker invoker, IMethod method, CallOptions options, CancellationToken enumerationToken)
    {
        _invoker = invoker;
        _method = method;
        _options = options;
        _enumerationToken = enumerationToken;
        _responseMetadata = options.ResponseMetadata ?? new ResponseMetadata();
        _responseMetadata.Status = null;
        if (options.Deadline is { } deadline && deadline != DateTime.MaxValue)
        {
            var remaining = deadline.ToUniversalTime() - DateTime.UtcNow;
            _timeout = remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
            // CancelAfter accepts at most ~49 days; a later deadline is still sent but needs no local timer.
            _deadlineTimer = _timeout < TimeSpan.FromMilliseconds(uint.MaxValue - 1)
                ? new CancellationTokenSource(_timeout.Value)
                : new CancellationTokenSource();
        }

        _callCancellation = CancellationTokenSource.CreateLinkedTokenSource(
            options.CancellationToken, enumerationToken, _deadlineTimer?.Token ?? CancellationToken.None);
    }

    /// <summary>Cancelled when the caller cancels, the deadline passes or the call is disposed.</summary>
    public CancellationToken CancellationToken => _callCancellation.Token;

    public async Task StartAsync(HttpContent content)
    {
        if (_timeout == TimeSpan.Zero)
        {
            throw new RpcException(StatusCode.DeadlineExceeded, "Deadline Exceeded: the deadline had passed before the call started.");
        }

        content.Headers.ContentType ??= new MediaTypeHeaderValue(GrpcProtocol.ContentType);
        var request = _request = new HttpRequestMessage(HttpMethod.Post, _invoker.MethodUri(_method))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        request.Headers.TryAddWithoutValidation("user-agent", GrpcProtocol.UserAgent);
        request.Headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, GrpcProtocol.SupportedEncodings);
        if (_timeout is { } timeout)
        {
            request.Headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(timeout));
        }

        if (_options.Headers is { } headers)
        {
            foreach (var entry in headers)
            {
                request.Headers.TryAddWithoutValidation(entry.Key, HeaderCodec.EncodeValue(entry));
            }
        }

        _response = await _invoker.Http.SendAsync(request, _callCancellation.Token).ConfigureAwait(false);
        var response = _response;
        var headerMetadata = new Metadata();
        HeaderCodec.AddFromHeaders(headerMetadata, response.Headers);

        if (response.StatusCode != HttpStatusCode.OK)
        {
            var code = HeaderCodec.FromHttpStatus((int)response.StatusCode);
            throw ServerStatus(new Status(code, $"Bad gRPC response. HTTP status code: {(int)response.StatusCode}."), headerMetadata);
        }

        var statusInHeaders = HeaderCodec.ReadStatus(
            First(response.Headers, GrpcProtocol.StatusTrailer), First(response.Headers, GrpcProtocol.MessageTrailer));
        if (statusInHeaders is { } trailersOnly)
        {
            // Trailers-Only: the one header block is the trailers; there is no body and no other status.
            _trailersOnlyStatus = trailersOnly;
            _responseMetadata.Trailers = headerMetadata;
            return;
        }

        _responseMetadata.Headers = headerMetadata;
        var contentType = response.Content.Headers.ContentType?.ToString();
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            throw new RpcException(StatusCode.Internal, $"Bad gRPC response. Invalid content-type value: '{contentType}'.");
        }

        _responseEncoding = First(response.Headers, GrpcProtocol.EncodingHeader);
        _responseStream = await response.Content.ReadAsStreamAsync(_callCancellation.Token).ConfigureAwait(false);
        _reader = PipeReader.Create(_responseStream, new StreamPipeReaderOptions(leaveOpen: true));
    }

    /// <summary>The next message, or null at the end of the response stream.</summary>
    public async ValueTask<T?> ReadMessageAsync<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        if (_reader is null)
        {
            return default;
        }

        return await MessageFraming.ReadMessageAsync(
            _reader, parser, _invoker.Options.MaxReceiveMessageSize, _responseEncoding, _callCancellation.Token).ConfigureAwait(false);
    }

    /// <summary>Reads exactly one message and the status of a unary or client-streaming call.</summary>
    public async Task<T> ReadSingleResponseAsync<T>(MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        var response = await ReadMessageAsync(parser).ConfigureAwait(false);
        if (response is null)
        {
            await FinishAsync().ConfigureAwait(false);
            throw new RpcException(StatusCode.Internal, "Failed to deserialize response message: the server ended the call with OK but sent no message.");
        }

        if (await ReadMessageAsync(parser).ConfigureAwait(false) is not null)
        {
            throw new RpcException(StatusCode.Internal, "The server sent more than one response message on a call that expects one.");
        }

        await FinishAsync().ConfigureAwait(false);
        return response;
    }

    /// <summary>Reads the status at the end of the response; throws when it is not OK.</summary>
    public Task FinishAsync()
    {
        Status status;
        if (_trailersOnlyStatus is { } trailersOnly)
        {
            status = trailersOnly;
        }
        else
        {
            var trailers = _response!.TrailingHeaders;
            var metadata = new Metadata();
            HeaderCodec.AddFromHeaders(metadata, trailers);
            _responseMetadata.Trailers = metadata;
            status = HeaderCodec.ReadStatus(First(trailers, GrpcProtocol.StatusTrailer), First(trailers, GrpcProtocol.MessageTrailer))
                ?? new Status(StatusCode.Internal, "No grpc-status found on response: the server ended the call without a status.");
        }

        _finished = true;
        _responseMetadata.Status = status;
        if (status.StatusCode != StatusCode.OK)
        {
            throw ServerStatus(status, _responseMetadata.Trailers);
        }

        return Task.CompletedTask;
    }

    /// <summary>Called by a streaming request body that failed, so the call reports that failure.</summary>
    public void RecordRequestFailure(Exception exception)
    {
        if (exception is not OperationCanceledException)
        {
            _requestFailure ??= exception;
        }
    }

    /// <summary>Turns any failure of the call into the <see cref="RpcException"/> the caller sees.</summary>
    public RpcException Fail(Exception exception)
    {
        var failure = Translate(exception);
        _responseMetadata.Status ??= failure.Status;
        return failure;
    }

    public void Dispose()
    {
        // Ending a call whose response was not read to the end resets the HTTP/2 stream (RST_STREAM CANCEL),
        // which the server observes as an aborted request.
        if (!_finished)
        {
            _callCancellation.Cancel();
        }

        _reader?.Complete();
        _responseStream?.Dispose();
        _response?.Dispose();
        _request?.Dispose();
        _callCancellation.Dispose();
        _deadlineTimer?.Dispose();
    }

    private RpcException Translate(Exception exception)
    {
        if (exception is RpcException fromServer && _statusFromServer)
        {
            return fromServer;
        }

        if (_deadlineTimer?.IsCancellationRequested == true)
        {
            return new RpcException(new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), new Metadata(), exception);
        }

        if (_options.CancellationToken.IsCancellationRequested || _enumerationToken.IsCancellationRequested)
        {
            return new RpcException(new Status(StatusCode.Cancelled, "Call canceled by the client."), new Metadata(), exception);
        }

        if (_requestFailure is RpcException requestRpcFailure)
        {
            return requestRpcFailure;
        }

        return exception switch
        {
            RpcException local => local,
            HttpProtocolException protocol => FromProtocolError(protocol),
            HttpRequestException { InnerException: HttpProtocolException protocol } => FromProtocolError(protocol),
            HttpRequestException request => new RpcException(new Status(StatusCode.Unavailable,
                $"Error starting gRPC call to {_invoker.Address}{_method.FullName}: {request.Message} {request.InnerException?.Message}".TrimEnd()),
                new Metadata(), exception),
            IOException io => new RpcException(new Status(StatusCode.Unavailable,
                $"Error reading the response of {_method.FullName} from {_invoker.Address}: {io.Message}"), new Metadata(), exception),
            OperationCanceledException => new RpcException(new Status(StatusCode.Cancelled, "The call was canceled."), new Metadata(), exception),
            ObjectDisposedException => new RpcException(new Status(StatusCode.Cancelled,
                $"The channel to {_invoker.Address} was disposed while {_method.FullName} was in flight."), new Metadata(), exception),
            _ => new RpcException(new Status(StatusCode.Internal,
                $"Error in gRPC call {_method.FullName}: {exception.GetType().Name}: {exception.Message}"), new Metadata(), exception),
        };
    }

    private RpcException FromProtocolError(HttpProtocolException protocol)
    {
        // HTTP/2 error codes of RST_STREAM / GOAWAY, mapped as gRPC's HTTP/2 specification table does.
        var code = protocol.ErrorCode switch
        {
            0x7 => StatusCode.Unavailable, // REFUSED_STREAM
            0x8 => StatusCode.Cancelled, // CANCEL
            0xB => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
            0xC => StatusCode.PermissionDenied, // INADEQUATE_SECURITY
            _ => StatusCode.Internal,
        };
        return new RpcException(new Status(code,
            $"The HTTP/2 stream of {_method.FullName} was reset by {_invoker.Address} (HTTP/2 error 0x{protocol.ErrorCode:X}): {protocol.Message}"),
            new Metadata(), protocol);
    }

    private RpcException ServerStatus(Status status, Metadata trailers)
    {
        _statusFromServer = true;
        return new RpcException(status, trailers);
    }

    private static string? First(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;
}
