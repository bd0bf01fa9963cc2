using Denoise.Data;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Denoise.Tests;

/// <summary>
/// No code of lib/ hands libtorch a TorchSharp <see cref="TorchSharp.Scalar"/> that nothing holds. TorchSharp passes a
/// scalar to libtorch as a bare pointer and frees it in its finalizer, so a scalar made for one call (<c>2 * t</c>,
/// <c>t.clamp(0, 1)</c>, <c>t.mul(x.ToScalar())</c>) can be freed by the finalizer thread while libtorch still reads
/// it: a full report run stopped with "Expected false to be true" from c10's Scalar::toLong. The race cannot be
/// provoked on demand, so this test reads the code instead: it compiles every source file of lib/ with Roslyn and
/// lists each implicit conversion to Scalar, each <c>ToScalar()</c> whose result is not kept in a variable or field,
/// and each call of a TorchSharp method that makes such a scalar itself (<c>a + b</c> and <c>add_(b)</c> pass an alpha
/// of 1; TorchSharp's Adam; read from TorchSharp's IL by <see cref="TorchSharpScalarMakers"/>). The cure is a scalar
/// that lives as long as the process (<see cref="Denoise.Tensors.Scalars"/>) or a <c>using</c> local.
/// </summary>
public sealed class ScalarLifetimeTests
{
    private static readonly string Root = DataFolder.FindRepoRoot(AppContext.BaseDirectory)
        ?? throw new InvalidOperationException($"no repository above {AppContext.BaseDirectory}");

    [Fact]
    public void No_scalar_of_lib_is_made_for_a_single_call()
    {
        var found = TemporaryScalars(Path.Combine(Root, "lib"));
        Assert.True(found.Count == 0, $"{found.Count} scalars made for one call (hold them, or use Denoise.Tensors.Scalars):\n"
            + string.Join("\n", found));
    }

    [Fact]
    public void The_check_finds_each_kind_of_scalar_made_for_one_call()
    {
        // The check itself, on code written for it: Bad* make a scalar nothing holds, Good* do not.
        using var folder = new TempFolder();
        File.WriteAllText(Path.Combine(folder.Path, "Sample.cs"), """
            using TorchSharp;
            using static TorchSharp.torch;
            static class Sample
            {
                static readonly Scalar One = 1.0.ToScalar();
                static Tensor BadNumber(Tensor t) => t.mul(2.0);
                static Tensor BadToScalar(Tensor t) => t.add(1.0.ToScalar(), One);
                static Tensor BadOperator(Tensor t) => t * 2.0;
                static Tensor BadSum(Tensor t) => t + t;
                static Tensor BadAddInPlace(Tensor t) => t.add_(t);
                static Tensor BadModule(Tensor t) => nn.LeakyReLU(0.01).call(t);
                static Tensor GoodHeld(Tensor t) { using var two = 2.0.ToScalar(); return t.mul(two); }
                static Tensor GoodStatic(Tensor t) => t.add_(t, One);
                static Tensor GoodTensors(Tensor t) => t.mul(t) - t;
            }
            """);
        var found = TemporaryScalars(folder.Path);
        var lines = found.Select(f => int.Parse(f.Split(':')[1])).Distinct().Order().ToList();
        Assert.True(lines.SequenceEqual([6, 7, 8, 9, 10, 11]), string.Join("\n", found));
    }

    [Fact]
    public void TorchSharp_is_read_for_the_methods_that_make_their_own_scalars()
    {
        // add_(Tensor) calls add_(target, 1), the 1 made into a Scalar; add_(Tensor, Scalar) takes the caller's.
        Assert.Contains("TorchSharp.torch+Tensor::add_(TorchSharp.torch+Tensor)", Makers.Value.Methods);
        Assert.DoesNotContain("TorchSharp.torch+Tensor::add_(TorchSharp.torch+Tensor,TorchSharp.Scalar)", Makers.Value.Methods);
        Assert.Contains("TorchSharp.Modules.Adam", Makers.Value.Types);
    }

    /// <summary>"file:line: expression" for every temporary scalar in the C# files under <paramref name="folder"/>.</summary>
    private static List<string> TemporaryScalars(string folder)
    {
        var files = Directory.EnumerateFiles(folder, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "obj" or "bin"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var options = new CSharpParseOptions(LanguageVersion.Preview);
        var trees = files.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), options, path: f)).ToList();
        trees.Add(CSharpSyntaxTree.ParseText(ImplicitUsings, options));
        var compilation = CSharpCompilation.Create("scan", trees, References(),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));

        // A scan that cannot resolve a call cannot see its conversions: the code must compile, all but the parts that
        // source generators write ([GeneratedRegex]: CS8795) and the command line's entry point (CS8805).
        var errors = compilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && d.Id is not "CS8795" and not "CS8805").Take(5).ToList();
        if (errors.Count > 0)
            throw new InvalidOperationException("the scan could not compile the sources:\n" + string.Join("\n", errors));
        var scalar = compilation.GetTypeByMetadataName("TorchSharp.Scalar")
            ?? throw new InvalidOperationException("TorchSharp.Scalar not found among the test's references");
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var tree in compilation.SyntaxTrees.Where(t => t.FilePath.Length > 0))
        {
            var model = compilation.GetSemanticModel(tree);
            void Report(SyntaxNode node, string why) => found.Add(
                $"{Path.GetRelativePath(folder, tree.FilePath)}:{tree.GetLineSpan(node.Span).StartLinePosition.Line + 1}: {node} ({why})");
            foreach (var node in tree.GetRoot().DescendantNodes())
            {
                if (node is ExpressionSyntax expression)
                {
                    var conversion = model.GetConversion(expression);
                    if (conversion.IsUserDefined && conversion.IsImplicit
                        && SymbolEqualityComparer.Default.Equals(conversion.MethodSymbol?.ReturnType, scalar))
                        Report(node, "a number made into a Scalar");
                    else if (expression is InvocationExpressionSyntax && !IsKept(expression)
                        && SymbolEqualityComparer.Default.Equals(model.GetTypeInfo(expression).Type, scalar))
                        Report(node, "a Scalar made and not kept");
                }

                if (node is not (InvocationExpressionSyntax or BaseObjectCreationExpressionSyntax or BinaryExpressionSyntax
                    or PrefixUnaryExpressionSyntax or AssignmentExpressionSyntax))
                    continue;
                if (model.GetSymbolInfo(node).Symbol is not IMethodSymbol method || method.ContainingAssembly?.Name != "TorchSharp")
                    continue;
                var key = Key(method);
                if (Makers.Value.Methods.Contains(key))
                    Report(node, $"TorchSharp's {key} makes a Scalar of its own");
                else if (method.ReturnType is INamedTypeSymbol returned && Makers.Value.Types.Contains(TypeKey(returned)))
                    Report(node, $"TorchSharp's {TypeKey(returned)} makes Scalars of its own in its forward or step");
            }
        }
        return [.. found];
    }

    /// <summary>
    /// TorchSharp's methods that make a Scalar of their own, and the modules and optimisers whose forward or step does
    /// (they are called through a base class, so their creation is what lib/ can see).
    /// </summary>
    private static readonly Lazy<(IReadOnlySet<string> Methods, IReadOnlySet<string> Types)> Makers = new(() =>
    {
        var methods = TorchSharpScalarMakers.Read(typeof(TorchSharp.Scalar).Assembly.Location);
        var types = methods.Where(m => m.Contains("::forward(", StringComparison.Ordinal) || m.Contains("::step(", StringComparison.Ordinal))
            .Select(m => m[..m.IndexOf("::", StringComparison.Ordinal)]).ToHashSet();
        return (methods, types);
    });

    /// <summary>A method as <see cref="TorchSharpScalarMakers"/> names it: "Namespace.Type+Nested::Name(ParameterTypes)".</summary>
    private static string Key(IMethodSymbol method)
    {
        method = (method.ReducedFrom ?? method).OriginalDefinition;
        return $"{TypeKey(method.ContainingType)}::{method.Name}("
            + string.Join(",", method.Parameters.Select(p => TypeKey(p.Type) + (p.RefKind == RefKind.None ? "" : "&"))) + ")";
    }

    private static string TypeKey(ITypeSymbol type) => type switch
    {
        IArrayTypeSymbol array => TypeKey(array.ElementType) + "[" + new string(',', array.Rank - 1) + "]",
        IPointerTypeSymbol pointer => TypeKey(pointer.PointedAtType) + "*",
        ITypeParameterSymbol parameter => (parameter.TypeParameterKind == TypeParameterKind.Method ? "!!" : "!") + parameter.Ordinal,
        _ when Primitive(type.SpecialType) is { } name => name,
        INamedTypeSymbol named when named.ContainingType is { } outer => TypeKey(outer.OriginalDefinition) + "+" + named.MetadataName,
        _ => (type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString() + "." : "") + type.MetadataName,
    };

    private static string? Primitive(SpecialType type) => type switch
    {
        SpecialType.System_Boolean => "Boolean",
        SpecialType.System_Char => "Char",
        SpecialType.System_SByte => "SByte",
        SpecialType.System_Byte => "Byte",
        SpecialType.System_Int16 => "Int16",
        SpecialType.System_UInt16 => "UInt16",
        SpecialType.System_Int32 => "Int32",
        SpecialType.System_UInt32 => "UInt32",
        SpecialType.System_Int64 => "Int64",
        SpecialType.System_UInt64 => "UInt64",
        SpecialType.System_Single => "Single",
        SpecialType.System_Double => "Double",
        SpecialType.System_String => "String",
        SpecialType.System_Object => "Object",
        SpecialType.System_IntPtr => "IntPtr",
        SpecialType.System_UIntPtr => "UIntPtr",
        SpecialType.System_Void => "Void",
        _ => null,
    };

    /// <summary>A scalar that a local, a field or a property initialiser keeps (its owner disposes it or keeps it for good).</summary>
    private static bool IsKept(ExpressionSyntax expression) =>
        expression.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax or PropertyDeclarationSyntax }
        || expression.Parent is ArrowExpressionClauseSyntax { Parent: PropertyDeclarationSyntax }
        || expression.Parent is AssignmentExpressionSyntax;

    private const string ImplicitUsings = """
        global using System;
        global using System.Collections.Generic;
        global using System.IO;
        global using System.Linq;
        global using System.Net.Http;
        global using System.Threading;
        global using System.Threading.Tasks;
        """;

    /// <summary>The runtime's assemblies and every library beside the tests (TorchSharp, ImageSharp, ...), not lib's own.</summary>
    private static IEnumerable<MetadataReference> References()
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var beside = Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll")
            .Where(f => !Path.GetFileName(f).StartsWith("Denoise", StringComparison.Ordinal));
        return platform.Concat(beside)
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First())
            .Where(IsManaged)
            .Select(f => (MetadataReference)MetadataReference.CreateFromFile(f));
    }

    private static bool IsManaged(string file)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(file);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
