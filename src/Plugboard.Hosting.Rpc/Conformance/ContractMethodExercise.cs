using System.Globalization;
using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Health.V1;
using Plugboard.Hosting.Rpc.Supervision;
using Plugboard.Manifests;
using Plugboard.Rpc.Protocol;

namespace Plugboard.Hosting.Rpc.Conformance;

/// <summary>
/// Calls every method of the contracts a manifest declares, as found in their proto descriptors
/// (<see cref="ContractServices"/>), with the plugin's sample request or an empty one (<see cref="SampleRequests"/>), each
/// under <see cref="ConformanceOptions.MethodTimeout"/>; server streams are read to their end or to the deadline. After
/// each call the plugin must still serve (health <c>Check("")</c> and <c>Plugin/Verify</c>). One check per method, named
/// <c>method package.Service/Method</c>; a plugin that hangs or crashes fails the method it did it in.
/// </summary>
internal sealed class ContractMethodExercise(RpcPluginConnection connection, string pluginDirectory, ConformanceOptions conformance, RpcPluginOptions options)
{
    private static readonly Marshaller<byte[]> Bytes = Marshallers.Create(bytes => bytes, bytes => bytes);

    public async Task<IReadOnlyList<ConformanceCheck>> RunAsync(PluginManifest manifest, CancellationToken cancellationToken)
    {
        var checks = new List<ConformanceCheck>();
        var services = await ContractServices.LoadAsync(conformance, pluginDirectory, cancellationToken).ConfigureAwait(false);
        if (services.Problems.Count > 0)
        {
            checks.Add(new("contract descriptors", false, string.Join("; ", services.Problems)));
        }

        string? crashed = null;
        foreach (var contract in manifest.Contracts)
        {
            var found = services.For(contract);
            if (found.Count == 0)
            {
                var what = $"its methods were not called: no descriptors of the service {ContractServices.ExpectedServiceName(contract)} " +
                    $"({(services.Sources.Count == 0 ? "none found" : "looked in " + string.Join(", ", services.Sources))}); ship them as " +
                    "examples/<name>.protoset (protoc --include_imports --descriptor_set_out=examples/contract.protoset your.proto) or give --descriptors FILE";
                checks.Add(conformance.Strict
                    ? new($"contract {contract.Name}", false, what)
                    : new($"contract {contract.Name}", true, $"WARNING: {what}; plugboard test --strict fails this"));
                continue;
            }

            foreach (var method in found.SelectMany(s => s.Methods))
            {
                var name = $"method {method.Service.FullName}/{method.Name}";
                if (crashed is not null)
                {
                    checks.Add(new(name, false, $"not called: the plugin stopped serving in {crashed}"));
                    continue;
                }

                var check = await ExerciseAsync(name, method, cancellationToken).ConfigureAwait(false);
                checks.Add(check.Check);
                if (check.StoppedServing)
                {
                    crashed = method.Name;
                }
            }
        }

        return checks;
    }

    private async Task<(ConformanceCheck Check, bool StoppedServing)> ExerciseAsync(string name, MethodDescriptor method, CancellationToken cancellationToken)
    {
        byte[] request;
        string source;
        try
        {
            (request, source) = await SampleRequests.ForAsync(pluginDirectory, method, cancellationToken).ConfigureAwait(false);
        }
        catch (FormatException ex)
        {
            return (new(name, false, ex.Message), false);
        }

        var timeout = Seconds(conformance.MethodTimeout);
        string answer;
        bool passed;
        try
        {
            var messages = await CallAsync(method, request, cancellationToken).ConfigureAwait(false);
            passed = true;
            answer = method.IsServerStreaming ? $"streamed {messages} message(s) to the end" : "answered OK";
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded && method.IsServerStreaming && ex.Data["messages"] is int and > 0)
        {
            // A stream that delivered messages until the deadline cut it is an endless stream (a watch), not a hang.
            passed = true;
            answer = $"streamed {ex.Data["messages"]} message(s) until the {timeout} deadline";
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.DeadlineExceeded)
        {
            passed = false;
            answer = $"did not answer within {timeout}: a method must answer, or fail with a status that says why, before the caller's deadline";
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unknown or StatusCode.Internal or StatusCode.DataLoss or StatusCode.Unavailable)
        {
            passed = false;
            answer = $"failed with {Describe(ex)}: an error the plugin did not handle; answer a status that says what is wrong (e.g. INVALID_ARGUMENT, FAILED_PRECONDITION)";
        }
        catch (RpcException ex)
        {
            passed = true;
            answer = $"answered {Describe(ex)}";
        }

        var stillServing = await StillServesAsync(cancellationToken).ConfigureAwait(false);
        var sent = $"sent {source}";
        if (stillServing is not null)
        {
            return (new(name, false, $"the plugin stopped serving during this call ({stillServing}); the call {(passed ? answer : TrimReason(answer))}; {sent}"), true);
        }

        return (new(name, passed, $"{answer}; {sent}; the plugin still serves (health, Verify)"), false);

        static string TrimReason(string answer) => answer.Split(": ", 2)[0];
    }

    private async Task<int> CallAsync(MethodDescriptor method, byte[] request, CancellationToken cancellationToken)
    {
        var type = (method.IsClientStreaming, method.IsServerStreaming) switch
        {
            (false, false) => MethodType.Unary,
            (false, true) => MethodType.ServerStreaming,
            (true, false) => MethodType.ClientStreaming,
            (true, true) => MethodType.DuplexStreaming,
        };
        var rpc = new Method<byte[], byte[]>(type, method.Service.FullName, method.Name, Bytes, Bytes);
        var call = new CallOptions(deadline: DateTime.UtcNow + conformance.MethodTimeout, cancellationToken: cancellationToken);
        var invoker = connection.CallInvoker;
        switch (type)
        {
            case MethodType.Unary:
                await invoker.AsyncUnaryCall(rpc, null, call, request).ResponseAsync.ConfigureAwait(false);
                return 1;
            case MethodType.ServerStreaming:
            {
                using var stream = invoker.AsyncServerStreamingCall(rpc, null, call, request);
                return await ReadAllAsync(stream.ResponseStream, cancellationToken).ConfigureAwait(false);
            }

            case MethodType.ClientStreaming:
            {
                using var stream = invoker.AsyncClientStreamingCall(rpc, null, call);
                await stream.RequestStream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
                await stream.RequestStream.CompleteAsync().ConfigureAwait(false);
                await stream.ResponseAsync.ConfigureAwait(false);
                return 1;
            }

            default:
            {
                using var stream = invoker.AsyncDuplexStreamingCall(rpc, null, call);
                await stream.RequestStream.WriteAsync(request, cancellationToken).ConfigureAwait(false);
                await stream.RequestStream.CompleteAsync().ConfigureAwait(false);
                return await ReadAllAsync(stream.ResponseStream, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static async Task<int> ReadAllAsync(IAsyncStreamReader<byte[]> responses, CancellationToken cancellationToken)
    {
        var count = 0;
        try
        {
            while (await responses.MoveNext(cancellationToken).ConfigureAwait(false))
            {
                count++;
            }
        }
        catch (RpcException ex)
        {
            ex.Data["messages"] = count;
            throw;
        }

        return count;
    }

    /// <summary>Null when the plugin answers health <c>Check("")</c> SERVING and <c>Verify</c>; else what went wrong.</summary>
    private async Task<string?> StillServesAsync(CancellationToken cancellationToken)
    {
        try
        {
            var health = await new Health.HealthClient(connection.CallInvoker)
                .CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + options.HealthCheckTimeout, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            if (health.Status != HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return $"its health check answers {health.Status}";
            }

            await new Plugin.PluginClient(connection.CallInvoker)
                .VerifyAsync(new VerifyRequest(), deadline: DateTime.UtcNow + options.HealthCheckTimeout, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return null;
        }
        catch (RpcException ex)
        {
            // A process that died is seen by its supervisor a moment later, with its exit code: wait for that reason.
            try
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                wait.CancelAfter(TimeSpan.FromSeconds(5));
                await connection.WaitForStateAsync(RpcPluginState.Restarting, wait.Token).ConfigureAwait(false);
                return connection.Reason ?? Describe(ex);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return $"health or Verify failed: {Describe(ex)}";
            }
        }
    }

    private static string Describe(RpcException ex) => $"{ex.StatusCode}{(string.IsNullOrWhiteSpace(ex.Status.Detail) ? string.Empty : " (" + ex.Status.Detail + ")")}";

    private static string Seconds(TimeSpan timeout) => $"{timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s";
}
