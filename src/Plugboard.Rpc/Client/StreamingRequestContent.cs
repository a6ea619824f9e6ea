using System.IO.Pipelines;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using Google.Protobuf;
using Plugboard.Rpc.Wire;

namespace Plugboard.Rpc.Client;

/// <summary>A request body that writes each message of an async stream as soon as it is produced.</summary>
internal sealed class StreamingRequestContent<T> : HttpContent
    where T : class, IMessage<T>
{
    private readonly IAsyncEnumerable<T> _requests;
    private readonly int? _maxSendMessageSize;
    private readonly ClientCall _call;

    public StreamingRequestContent(IAsyncEnumerable<T> requests, int? maxSendMessageSize, ClientCall call)
    {
        _requests = requests;
        _maxSendMessageSize = maxSendMessageSize;
        _call = call;
        Headers.ContentType = new MediaTypeHeaderValue(GrpcProtocol.ContentType);
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _call.CancellationToken);
        var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
        try
        {
            await foreach (var request in _requests.WithCancellation(linked.Token).ConfigureAwait(false))
            {
                MessageFraming.WriteMessage(writer, request, _maxSendMessageSize);
                await writer.FlushAsync(linked.Token).ConfigureAwait(false);
            }

            await writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The failure of the request stream (e.g. an oversized message) is the call's failure.
            _call.RecordRequestFailure(ex);
            await writer.CompleteAsync(ex).ConfigureAwait(false);
            throw;
        }
    }

    protected override bool TryComputeLength(out long length)
    {
        length = -1;
        return false;
    }
}
