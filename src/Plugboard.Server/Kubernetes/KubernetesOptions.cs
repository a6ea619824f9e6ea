namespace Plugboard.Server.Kubernetes;

/// <summary>
/// How the center renders the Kubernetes workloads of plugins registered with an image (section
/// <c>Plugboard:Kubernetes</c>): <c>plugboard k8s render</c> prints them for <c>kubectl apply</c>.
/// </summary>
public sealed class KubernetesOptions
{
    /// <summary>The namespace the plugin workloads go to.</summary>
    public string Namespace { get; set; } = "plugboard";

    /// <summary>The port every plugin container serves gRPC on (and its Service exposes).</summary>
    public int Port { get; set; } = 50051;
}
