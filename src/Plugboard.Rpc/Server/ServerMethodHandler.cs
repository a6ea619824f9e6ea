using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Plugboard.Rpc.Server;

/// <summary>
/// Runs one registered method for one HTTP/2 request: reads requests, calls the handler, writes responses,
/// and always ends the call with a status — from the handler, its exception, or the deadline.
/// </summary>
internal abstract class ServerMethodHandler(IMethod method)
{
    public IMethod Method { get; } = method;

    public async Task HandleAsync(HttpContext http, RpcServerOptions options, ILogger logger)
    {
        ServerCallContext context;
        try
        {
            context = new ServerCallContext(http, Method, options);
        }
        catch (RpcException ex)
        {
            // Malformed request headers: answer before any handler runs.
            await RpcRequestDispatcher.RespondTrailersOnly(http, ex.Status).ConfigureAwait(false);
            return;
        }

        try
        {
            var handlerTask = RunAsync(context, options, logger);
            if (context.DeadlineReached is { } deadlineReached
                && await Task.WhenAny(handlerTask, deadlineReached).ConfigureAwait(false) != handlerTask)
            {
                // Answer the client at its deadline even if the handler ignores its cancellation token; the
                // request stays open server-side until the handler returns, so the HttpContext stays valid.
                logger.LogDebug("Deadline of {Method} exceeded; the handler was cancelled.", Method.FullName);
                await TryCompleteAsync(context, new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded"), endResponse: true, logger).ConfigureAwait(false);
            }

            await handlerTask.ConfigureAwait(false);
        }
        finally
        {
            context.Release();
        }
    }

    protected abstract Task InvokeAsync(ServerCallContext context);

    private async Task RunAsync(ServerCallContext context, RpcServerOptions options, ILogger logger)
    {
        if (context.DeadlineReached is not null)
        {
            // Yield so a handler that blocks synchronously cannot delay the deadline watch above.
            await Task.Yield();
        }

        Status status;
        try
        {
            await InvokeAsync(context).ConfigureAwait(false);
            status = context.Status;
        }
        catch (RpcException ex)
        {
            status = ex.Status;
            foreach (var entry in ex.Trailers)
            {
                context.ResponseTrailers.Add(entry);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException or IOException
                                   && context.CancellationToken.IsCancellationRequested)
        {
            status = context.IsDeadlineExceeded
                ? new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded")
                : new Status(StatusCode.Cancelled, "Call canceled by the client.");
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "The handler of {Method} failed with an unexpected exception.", Method.FullName);
            status = new Status(StatusCode.Unknown, options.EnableDetailedErrors
                ? $"Exception was thrown by handler. {ex.GetType().Name}: {ex.Message}"
                : "Exception was thrown by handler.");
        }

        await TryCompleteAsync(context, status, endResponse: false, logger).ConfigureAwait(false);
    }

    private async Task TryCompleteAsync(ServerCallContext context, Status status, bool endResponse, ILogger logger)
    {
        try
        {
            await context.CompleteAsync(status, endResponse).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
        {
            // The client is gone; there is nobody left to tell.
            logger.LogDebug(ex, "Could not send the status {Status} of {Method}.", status, Method.FullName);
        }
    }
}
