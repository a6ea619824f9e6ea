using System.CommandLine;
using System.Text.Json;
using System.Text.Json.Nodes;
using Plugboard.Cli.Console;
using Plugboard.Cli.Packages;
using Plugboard.Hosting.Rpc;
using Plugboard.Hosting.Rpc.Conformance;
using Plugboard.Packaging;

namespace Plugboard.Cli.Conformance;

/// <summary>
/// <c>plugboard test PLUGIN_DIR_OR_PKG [--config JSON_FILE]</c>: runs the conformance checks every out-of-process
/// plugin must pass (<see cref="PluginConformance"/>), starting the plugin as a host would.
/// </summary>
internal static class TestCommand
{
    public static Command Create(CliContext context)
    {
        var plugin = new Argument<string>("PLUGIN_DIR_OR_PKG") { Description = "A plugin folder (with plugin.yaml) or a .pbpkg, of runtime process or endpoint." };
        var config = new Option<string?>("--config", "-c")
        {
            Description = "The plugin configuration to Init it with (a JSON object). Default: examples/config.json in the plugin, else the schema's defaults.",
            HelpName = "JSON_FILE",
        };
        var trust = VerifyCommand.TrustOption();
        var requireSignature = new Option<bool>("--require-signature") { Description = "For a package: refuse it without a valid signature by a trusted key." };
        var json = CliContext.JsonOption();
        var strict = new Option<bool>("--strict") { Description = "Fail what the host tolerates but the protocol forbids (stdout lines before the handshake), instead of warning." };
        var transport = new Option<string?>("--transport")
        {
            Description = "How the plugin is asked to listen: unix (a unix socket, the default) or tcp (loopback TCP, as on hosts configured with Plugboard:Rpc:Transport=Tcp).",
        };
        transport.AcceptOnlyFromAmong("unix", "tcp");
        var descriptors = new Option<string[]>("--descriptors")
        {
            Description = "A FileDescriptorSet (protoc --include_imports --descriptor_set_out=FILE) with the services of the plugin's contracts, whose every method is called; besides the plugin's own examples/*.protoset. Repeatable.",
            HelpName = "FILE",
            AllowMultipleArgumentsPerToken = false,
        };
        var methodTimeout = new Option<double?>("--method-timeout")
        {
            Description = "The deadline of each contract method call, in seconds (default 10); a method that does not answer by then fails.",
            HelpName = "SECONDS",
        };
        var command = new Command(
            "test",
            "Check that an out-of-process plugin conforms: manifest, sample configuration, handshake, health, Init, Verify, unknown methods, deadlines, every method of its contracts, Shutdown and exit when stdin closes.")
        {
            plugin, config, trust, requireSignature, json, strict, transport, descriptors, methodTimeout,
        };
        context.SetAction(command, async (parse, cancellationToken) =>
        {
            var configuration = parse.GetValue(config) is { } file ? await ReadConfigurationAsync(context.Environment.ResolvePath(file), cancellationToken) : null;
            var path = context.Environment.ResolvePath(parse.GetRequiredValue(plugin));
            using var loggerFactory = StderrLoggerProvider.CreateFactory(context.Console, parse.GetValue(context.Verbose));
            var options = new RpcPluginOptions();
            if (parse.GetValue(transport) is { } chosen)
            {
                options.Transport = chosen == "tcp" ? PluginTransport.Tcp : PluginTransport.UnixSocket;
            }

            var checks = new ConformanceOptions { Strict = parse.GetValue(strict) };
            foreach (var descriptorSet in parse.GetValue(descriptors) ?? [])
            {
                var resolved = context.Environment.ResolvePath(descriptorSet);
                checks.DescriptorSetFiles.Add(File.Exists(resolved)
                    ? resolved
                    : throw new CliException($"Descriptor set '{resolved}' does not exist. Write one with protoc --include_imports --descriptor_set_out=FILE your.proto."));
            }

            if (parse.GetValue(methodTimeout) is { } seconds)
            {
                checks.MethodTimeout = seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds
                    ? TimeSpan.FromSeconds(seconds)
                    : throw new CliException($"--method-timeout must be a positive number of seconds, not {seconds}.");
            }

            var conformance = new PluginConformance(options, loggerFactory.CreateLogger("plugin"), checks);

            ConformanceReport report;
            if (Directory.Exists(path))
            {
                report = await conformance.RunAsync(path, configuration, cancellationToken);
            }
            else if (File.Exists(path))
            {
                report = await RunPackageAsync(conformance, path, configuration, new VerificationOptionsInput(parse.GetValue(trust), parse.GetValue(requireSignature)), context, cancellationToken);
            }
            else
            {
                throw new CliException($"'{path}' does not exist. Give a plugin folder (with plugin.yaml) or a .pbpkg file.");
            }

            if (parse.GetValue(json))
            {
                JsonOutput.Write(context.Console, new
                {
                    pluginId = report.PluginId,
                    directory = Directory.Exists(path) ? report.Directory : path,
                    passed = report.Passed,
                    checks = report.Checks.Select(c => new { name = c.Name, passed = c.Passed, message = c.Message }),
                });
            }
            else
            {
                Write(context.Console, report, path);
            }

            return report.Passed ? ExitCodes.Success : ExitCodes.Failure;
        });
        return command;
    }

    private static async Task<ConformanceReport> RunPackageAsync(
        PluginConformance conformance, string package, JsonObject? configuration, VerificationOptionsInput input, CliContext context, CancellationToken cancellationToken)
    {
        var (store, _) = await TrustStoreLoader.LoadAsync(input.Trust, context.Environment, cancellationToken);
        var verification = await PackageVerifier.VerifyAsync(package, new VerificationOptions { TrustStore = store, RequireSignature = input.RequireSignature }, cancellationToken);
        if (!verification.IsValid)
        {
            throw new CliException($"Package '{package}' failed verification, so it was not started:{Environment.NewLine}{string.Join(Environment.NewLine, verification.Problems.Select(p => "  - " + p.Message))}");
        }

        // The checks run the plugin from a folder: extract the verified bytes into a private temporary one.
        var root = Path.Combine(Path.GetTempPath(), $"plugboard-test-{Guid.NewGuid():N}");
        try
        {
            var extracted = await PackageExtractor.ExtractAsync(package, Path.Combine(root, verification.Contents!.Id), expectedDigest: verification.Digest, cancellationToken: cancellationToken);
            return await conformance.RunAsync(extracted.Directory, configuration, cancellationToken);
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    private static async Task<JsonObject> ReadConfigurationAsync(string file, CancellationToken cancellationToken)
    {
        if (!File.Exists(file))
        {
            throw new CliException($"Plugin configuration file '{file}' does not exist.");
        }

        try
        {
            return JsonNode.Parse(await File.ReadAllTextAsync(file, cancellationToken)) as JsonObject
                ?? throw new CliException($"Plugin configuration file '{file}' must hold a JSON object ({{ \"field\": value, … }}).");
        }
        catch (JsonException ex)
        {
            throw new CliException($"Plugin configuration file '{file}' is not valid JSON: {ex.Message}", ExitCodes.Failure, ex);
        }
    }

    private static void Write(CliConsole console, ConformanceReport report, string path)
    {
        var output = console.Out;
        output.WriteLine($"Testing {report.PluginId} ({path})");
        var width = report.Checks.Count == 0 ? 0 : report.Checks.Max(c => c.Name.Length);
        foreach (var check in report.Checks)
        {
            output.WriteLine($"  {(check.Passed ? "PASS" : "FAIL")}  {check.Name.PadRight(width)}  {check.Message}");
        }

        var failed = report.Checks.Count(c => !c.Passed);
        output.WriteLine(report.Passed
            ? $"Result: {report.PluginId} conforms ({report.Checks.Count} checks passed)"
            : $"Result: {report.PluginId} does not conform ({failed} of {report.Checks.Count} checks failed)");
    }

    private sealed record VerificationOptionsInput(IReadOnlyList<string>? Trust, bool RequireSignature);
}
