using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Plugboard.Docs.Tests;

/// <summary>
/// Every ```csharp block of docs/guides/*.md compiles against the real libraries (and the UserSync sample the guides
/// use), so a renamed method or type fails here instead of in a reader's editor.
/// </summary>
public sealed class GuideSnippetTests
{
    // What a reader's project has imported without saying: the SDK's implicit usings plus the libraries the guides are about.
    private static readonly string[] CommonUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading", "System.Threading.Tasks",
        "System.Runtime.CompilerServices", "System.Text.Json.Nodes",
        "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
        "Plugboard", "Plugboard.Hosting",
    ];

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(LoadReferences);

    public static TheoryData<string> Snippets()
    {
        var data = new TheoryData<string>();
        var repository = Repository();
        foreach (var guide in Directory.EnumerateFiles(Path.Combine(repository, "docs", "guides"), "*.md").Order(StringComparer.Ordinal))
        {
            foreach (var snippet in GuideSnippet.Read(repository, Path.GetRelativePath(repository, guide)))
            {
                data.Add(snippet.ToString());
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Snippets))]
    public void A_guide_code_block_compiles(string where)
    {
        var file = where[..where.LastIndexOf(':')];
        var snippet = GuideSnippet.Read(Repository(), file).Single(s => s.ToString() == where);
        var source = Wrap(snippet);

        var compilation = CSharpCompilation.Create(
            "Snippet",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview), path: where)],
            References.Value,
            new CSharpCompilationOptions(snippet.Kind == "program" ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();

        Assert.True(errors.Count == 0, $"{where} does not compile:\n{string.Join('\n', errors)}\n--- as compiled:\n{source}");
    }

    [Fact]
    public void The_guides_have_code_blocks_to_check()
    {
        Assert.True(Snippets().Count >= 10);
    }

    private static string Wrap(GuideSnippet snippet)
    {
        var usings = string.Concat(CommonUsings.Concat(snippet.Usings).Distinct().Select(u => $"using {u};\n"));
        return snippet.Kind switch
        {
            "file" or "program" => usings + snippet.Code,
            "members" => $"{usings}public sealed class Snippet\n{{\n{snippet.Code}\n}}\n",
            _ => $"{usings}public static class Snippet\n{{\n    public static async Task RunAsync({snippet.Parameters})\n    {{\n{snippet.Code}\n    }}\n}}\n",
        };
    }

    // The framework's assemblies (ASP.NET Core's too: the plugin SDK brings it) and every assembly beside the tests.
    private static ImmutableArray<MetadataReference> LoadReferences()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var local = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll");
        return [.. platform.Concat(local)
            .Where(IsAssembly)
            .DistinctBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    }

    private static bool IsAssembly(string path)
    {
        try
        {
            _ = System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }

    private static string Repository()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Plugboard.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No repository above {AppContext.BaseDirectory}");
    }
}
