using System.CommandLine;
using Plugboard.Cli.Console;

namespace Plugboard.Cli.Center;

/// <summary>
/// <c>plugboard k8s render INSTALLATION</c>: prints the Kubernetes Deployment and Service the center renders for an
/// installation of a plugin registered with an image (<c>GET /api/v1/installations/{id}/kubernetes</c>), ready for
/// <c>kubectl apply -f -</c>.
/// </summary>
internal static class KubernetesCommand
{
    public static Command Create(CliContext context)
    {
        var center = new CenterConnectionOptions();
        var installation = new Argument<string>("INSTALLATION") { Description = "The installation (plugboard status lists them)." };
        var output = new Option<string?>("--output", "-o") { Description = "Write the YAML to this file instead of standard output.", HelpName = "FILE" };
        var render = new Command("render", "Print an installation's Kubernetes Deployment and Service (YAML): its image, gRPC health probes, resource limits and labels. The configuration is not in them: the center sends it with Init.")
        {
            installation, output,
        };
        center.AddTo(render);
        context.SetAction(render, async (parse, cancellationToken) =>
        {
            using var client = new CenterClient(center.Resolve(parse, context.Environment));
            var id = parse.GetRequiredValue(installation);
            var yaml = await client.GetTextAsync($"{ChangeCommands.PathOf(id)}/kubernetes", "application/yaml", cancellationToken);
            if (parse.GetValue(output) is { } file)
            {
                await File.WriteAllTextAsync(file, yaml, cancellationToken);
                context.Console.Error.WriteLine($"Wrote the Deployment and Service of {id} to {file}; 'kubectl apply -f {file}' applies them.");
            }
            else
            {
                context.Console.Out.Write(yaml);
            }

            return ExitCodes.Success;
        });
        return new Command("k8s", "Kubernetes: the workloads the center renders for plugins registered with an image.") { render };
    }
}
