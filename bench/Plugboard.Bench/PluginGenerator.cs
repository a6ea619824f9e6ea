using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Plugboard.Bench;

/// <summary>
/// Writes real plugin folders (plugin.yaml + a compiled assembly) for benchmarks, compiling C# source
/// in memory with Roslyn so that hundreds of distinct plugins cost seconds, not a build each.
/// </summary>
internal static class PluginGenerator
{
    public static void Write(string pluginsDirectory, int count, string version = "1.0.0", int addend = 0)
    {
        var references = new[]
        {
            typeof(object).Assembly.Location,
            typeof(global::Bench.Contracts.ICalculator).Assembly.Location,
            typeof(PluginAttribute).Assembly.Location,
            Path.Combine(Path.GetDirectoryName(typeof(object).Assembly.Location)!, "System.Runtime.dll"),
        }.Select(p => MetadataReference.CreateFromFile(p)).ToArray();

        for (var i = 0; i < count; i++)
        {
            var id = $"custom-gen-{i:D4}";
            var assemblyName = $"Bench.Generated.P{i:D4}";
            var source = $$"""
                using System.Threading.Tasks;
                [assembly: System.Reflection.AssemblyVersion("{{version}}.0")]
                namespace Bench.Generated;
                [Plugboard.Plugin("{{id}}")]
                public sealed class Calculator{{i}} : Bench.Contracts.ICalculator
                {
                    public int Add(int a, int b) => a + b + {{addend}};
                    public ValueTask<int> AddAsync(int a, int b) => new(a + b + {{addend}});
                }
                """;
            var compilation = CSharpCompilation.Create(
                assemblyName,
                [CSharpSyntaxTree.ParseText(source)],
                references,
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, deterministic: true));

            var folder = Path.Combine(pluginsDirectory, id);
            Directory.CreateDirectory(folder);
            using (var dll = File.Create(Path.Combine(folder, assemblyName + ".dll")))
            {
                var result = compilation.Emit(dll);
                if (!result.Success)
                {
                    throw new InvalidOperationException(string.Join(Environment.NewLine, result.Diagnostics));
                }
            }

            File.WriteAllText(Path.Combine(folder, "plugin.yaml"), $"""
                id: {id}
                version: {version}
                contracts:
                  - name: bench.calculator
                    version: ^1.0
                runtime: assembly
                entry: {assemblyName}.dll
                """);
        }
    }
}
