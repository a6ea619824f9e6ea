using System.Text;
using k8s;
using k8s.Models;
using Plugboard.Manifests;
using Plugboard.Server.Configuration;

namespace Plugboard.Server.Kubernetes;

/// <summary>
/// The Kubernetes workload of one installation of a plugin registered with an image: a Deployment running the image
/// (serving gRPC on one port, probed with the standard gRPC health check) and a ClusterIP Service the center reaches
/// it through as an endpoint plugin. The configuration is not in the manifests: the center sends it with Init over
/// gRPC, so secrets never reach the cluster's objects.
/// </summary>
public static class KubernetesWorkload
{
    /// <summary>The manifest entry key that holds a version's container image (<c>entry.image</c>).</summary>
    public const string ImageEntry = "image";

    /// <summary>The name of the container and of its port.</summary>
    public const string PortName = "grpc";

    /// <summary>The field manager named on server-side apply.</summary>
    public const string FieldManager = "plugboard-center";

    /// <summary>The label holding the plugin id.</summary>
    public const string PluginLabel = "plugboard.dev/plugin";

    /// <summary>The label holding the installation id.</summary>
    public const string InstallationLabel = "plugboard.dev/installation";

    /// <summary>The label holding the plugin version.</summary>
    public const string VersionLabel = "plugboard.dev/version";

    /// <summary>The annotation holding the installation generation the workload was rendered for.</summary>
    public const string GenerationAnnotation = "plugboard.dev/generation";

    /// <summary>A version's container image, or null when the version has none (a package, or registered with an endpoint only).</summary>
    public static string? ImageOf(PluginManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return manifest.Entry.TryGetValue(ImageEntry, out var image) && !string.IsNullOrWhiteSpace(image) ? image : null;
    }

    /// <summary>The name of an installation's Deployment and Service (DNS-1123: lower case, digits, dashes; at most 63 characters).</summary>
    public static string NameOf(string installationId)
    {
        ArgumentNullException.ThrowIfNull(installationId);
        var name = new StringBuilder("pb-");
        foreach (var c in installationId.ToLowerInvariant())
        {
            name.Append(char.IsAsciiLetterOrDigit(c) ? c : '-');
        }

        var text = name.ToString();
        return text.Length <= 63 ? text.TrimEnd('-') : text[..63].TrimEnd('-');
    }

    /// <summary>Renders the Deployment and the Service of one installation.</summary>
    /// <param name="installationId">The installation.</param>
    /// <param name="generation">Its generation (an annotation on the pod template: a new generation rolls the pods).</param>
    /// <param name="manifest">The version's manifest; its <c>entry.image</c> is the image.</param>
    /// <param name="resources">The installation's resources as stored, or null.</param>
    /// <param name="options">Namespace, port and cluster domain.</param>
    /// <exception cref="InvalidOperationException">The version has no image.</exception>
    public static (V1Deployment Deployment, V1Service Service) Render(string installationId, long generation, PluginManifest manifest, string? resources, KubernetesOptions options)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(options);
        var image = ImageOf(manifest)
            ?? throw new InvalidOperationException($"{manifest.Id} {manifest.Version.ToNormalizedString()} has no container image (entry.image); register it with an image (POST /api/v1/plugins with 'image') to run it on Kubernetes.");
        var name = NameOf(installationId);
        var version = manifest.Version.ToNormalizedString();
        var selector = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["app.kubernetes.io/name"] = LabelValue(manifest.Id),
            ["app.kubernetes.io/instance"] = name,
        };
        var labels = new Dictionary<string, string>(selector, StringComparer.Ordinal)
        {
            ["app.kubernetes.io/version"] = LabelValue(version),
            ["app.kubernetes.io/component"] = "plugin",
            ["app.kubernetes.io/part-of"] = "plugboard",
            ["app.kubernetes.io/managed-by"] = "plugboard-center",
            [PluginLabel] = LabelValue(manifest.Id),
            [InstallationLabel] = LabelValue(installationId),
            [VersionLabel] = LabelValue(version),
        };
        var generationText = generation.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var deployment = new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = new V1ObjectMeta
            {
                Name = name,
                NamespaceProperty = options.Namespace,
                Labels = Copy(labels),
                Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [GenerationAnnotation] = generationText },
            },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = Copy(selector) },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta
                    {
                        Labels = Copy(labels),
                        Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [GenerationAnnotation] = generationText },
                    },
                    Spec = new V1PodSpec
                    {
                        AutomountServiceAccountToken = false,
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "plugin",
                                Image = image,
                                Ports = [new V1ContainerPort { Name = PortName, ContainerPort = options.Port, Protocol = "TCP" }],

                                // Plugboard.PluginSdk listens where PLUGBOARD_PLUGIN_LISTEN says instead of doing the handshake.
                                Env = [new V1EnvVar { Name = "PLUGBOARD_PLUGIN_LISTEN", Value = $"0.0.0.0:{options.Port}" }],
                                ReadinessProbe = new V1Probe { Grpc = new V1GRPCAction { Port = options.Port }, PeriodSeconds = 5, FailureThreshold = 3 },
                                LivenessProbe = new V1Probe { Grpc = new V1GRPCAction { Port = options.Port }, InitialDelaySeconds = 10, PeriodSeconds = 10, FailureThreshold = 3 },
                                Resources = InstallationResources.ToRequirements(resources),
                                SecurityContext = new V1SecurityContext
                                {
                                    AllowPrivilegeEscalation = false,
                                    Capabilities = new V1Capabilities { Drop = ["ALL"] },
                                    SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
                                },
                            },
                        ],
                    },
                },
            },
        };
        var service = new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = options.Namespace, Labels = Copy(labels) },
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = Copy(selector),
                Ports = [new V1ServicePort { Name = PortName, Port = options.Port, TargetPort = PortName, Protocol = "TCP", AppProtocol = "kubernetes.io/h2c" }],
            },
        };
        return (deployment, service);
    }

    /// <summary>The Deployment and the Service as one YAML stream (<c>---</c> between documents), as <c>kubectl apply -f</c> takes it.</summary>
    public static string ToYaml(V1Deployment deployment, V1Service service) =>
        KubernetesYaml.Serialize(deployment).TrimEnd('\n') + "\n---\n" + KubernetesYaml.Serialize(service).TrimEnd('\n') + "\n";

    // Every object gets its own dictionaries: one instance used twice is written as a YAML anchor and alias.
    private static Dictionary<string, string> Copy(Dictionary<string, string> values) => new(values, StringComparer.Ordinal);

    // Label values: at most 63 characters of [A-Za-z0-9_.-], starting and ending with a letter or digit
    // (a SemVer '+build' becomes '_build').
    private static string LabelValue(string value)
    {
        var text = new string(value.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_').ToArray());
        if (text.Length > 63)
        {
            text = text[..63];
        }

        return text.Trim('-', '_', '.');
    }
}
