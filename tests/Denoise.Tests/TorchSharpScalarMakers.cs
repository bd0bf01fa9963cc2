using System.Collections.Immutable;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;

namespace Denoise.Tests;

/// <summary>
/// The methods of TorchSharp.dll that make a <see cref="TorchSharp.Scalar"/> nobody holds and hand it to libtorch:
/// each method whose IL calls Scalar's implicit conversion or <c>ToScalar()</c> (Tensor.add_(Tensor) calls
/// add_(target, 1), and the 1 becomes a Scalar), and every method that calls one of those, read from the IL of the
/// TorchSharp.dll the tests run with. Keys are "Namespace.Type+Nested::Name(ParameterTypes)", with primitive types by
/// their short names (Double, Int64, ...), as <see cref="ScalarLifetimeTests"/> writes them for Roslyn's symbols.
/// </summary>
internal static class TorchSharpScalarMakers
{
    public static IReadOnlySet<string> Read(string assemblyPath)
    {
        using var pe = new PEReader(File.OpenRead(assemblyPath));
        var metadata = pe.GetMetadataReader();
        var names = new SignatureNames();
        var calls = new Dictionary<string, HashSet<string>>();
        foreach (var handle in metadata.MethodDefinitions)
        {
            var method = metadata.GetMethodDefinition(handle);
            if (method.RelativeVirtualAddress == 0)
                continue;
            var callees = new HashSet<string>();
            var il = pe.GetMethodBody(method.RelativeVirtualAddress).GetILReader();
            while (il.RemainingBytes > 0)
            {
                int opcode = il.ReadByte();
                if (opcode == 0xFE)
                    opcode = 0xFE00 | il.ReadByte();
                if (opcode is 0x28 or 0x6F or 0x73 or 0xFE06 or 0xFE07)   // call, callvirt, newobj, ldftn, ldvirtftn
                    callees.Add(Key(metadata, names, MetadataTokens.EntityHandle(il.ReadInt32())));
                else if (opcode == 0x45)   // switch: a count, then that many targets
                    il.Offset += 4 * il.ReadInt32();
                else
                    il.Offset += OperandSize(opcode);
            }
            calls[Key(metadata, names, handle)] = callees;
        }

        static bool MakesScalar(string callee) =>
            callee.StartsWith("TorchSharp.Scalar::op_Implicit(", StringComparison.Ordinal)
            || callee.StartsWith("TorchSharp.ScalarExtensionMethods::ToScalar(", StringComparison.Ordinal);
        var makers = calls.Where(c => c.Value.Any(MakesScalar)).Select(c => c.Key).ToHashSet();
        for (var grew = true; grew;)
        {
            var callers = calls.Where(c => !makers.Contains(c.Key) && c.Value.Any(makers.Contains)).Select(c => c.Key).ToList();
            makers.UnionWith(callers);
            grew = callers.Count > 0;
        }
        return makers;
    }

    private static string Key(MetadataReader metadata, SignatureNames names, EntityHandle handle)
    {
        switch (handle.Kind)
        {
            case HandleKind.MethodDefinition:
                var method = metadata.GetMethodDefinition((MethodDefinitionHandle)handle);
                var type = names.GetTypeFromDefinition(metadata, method.GetDeclaringType(), 0);
                return $"{type}::{metadata.GetString(method.Name)}({string.Join(",", method.DecodeSignature(names, null).ParameterTypes)})";
            case HandleKind.MemberReference:
                var member = metadata.GetMemberReference((MemberReferenceHandle)handle);
                if (member.GetKind() != MemberReferenceKind.Method)
                    return "";
                var parent = member.Parent.Kind switch
                {
                    HandleKind.TypeDefinition => names.GetTypeFromDefinition(metadata, (TypeDefinitionHandle)member.Parent, 0),
                    HandleKind.TypeReference => names.GetTypeFromReference(metadata, (TypeReferenceHandle)member.Parent, 0),
                    HandleKind.TypeSpecification => metadata.GetTypeSpecification((TypeSpecificationHandle)member.Parent).DecodeSignature(names, null),
                    _ => "",
                };
                return $"{parent}::{metadata.GetString(member.Name)}({string.Join(",", member.DecodeMethodSignature(names, null).ParameterTypes)})";
            case HandleKind.MethodSpecification:
                return Key(metadata, names, metadata.GetMethodSpecification((MethodSpecificationHandle)handle).Method);
            default:
                return "";
        }
    }

    /// <summary>Bytes of an IL instruction's operand (ECMA-335 III), for every opcode but switch.</summary>
    private static int OperandSize(int opcode) => opcode switch
    {
        0x0E or 0x0F or 0x10 or 0x11 or 0x12 or 0x13 or 0x1F or (>= 0x2B and <= 0x37) or 0xDE or 0xFE12 or 0xFE19 => 1,
        0xFE09 or 0xFE0A or 0xFE0B or 0xFE0C or 0xFE0D or 0xFE0E => 2,
        0x20 or 0x22 or 0x27 or 0x28 or 0x29 or (>= 0x38 and <= 0x44) or (>= 0x6F and <= 0x75) or 0x79 or (>= 0x7B and <= 0x81)
            or 0x8C or 0x8D or 0x8F or 0xA3 or 0xA4 or 0xA5 or 0xC2 or 0xC6 or 0xD0 or 0xDD
            or 0xFE06 or 0xFE07 or 0xFE15 or 0xFE16 or 0xFE1C => 4,
        0x21 or 0x23 => 8,
        _ => 0,
    };

    /// <summary>Type names as <see cref="ScalarLifetimeTests"/> writes Roslyn's: generic types without their arguments.</summary>
    private sealed class SignatureNames : ISignatureTypeProvider<string, object?>
    {
        public string GetArrayType(string element, ArrayShape shape) => element + "[" + new string(',', shape.Rank - 1) + "]";
        public string GetByReferenceType(string element) => element + "&";
        public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
        public string GetGenericInstantiation(string generic, ImmutableArray<string> arguments) => generic;
        public string GetGenericMethodParameter(object? context, int index) => "!!" + index;
        public string GetGenericTypeParameter(object? context, int index) => "!" + index;
        public string GetModifiedType(string modifier, string unmodified, bool isRequired) => unmodified;
        public string GetPinnedType(string element) => element;
        public string GetPointerType(string element) => element + "*";
        public string GetPrimitiveType(PrimitiveTypeCode code) => code.ToString();
        public string GetSZArrayType(string element) => element + "[]";

        public string GetTypeFromDefinition(MetadataReader metadata, TypeDefinitionHandle handle, byte kind)
        {
            var type = metadata.GetTypeDefinition(handle);
            var declaring = type.GetDeclaringType();
            return (declaring.IsNil ? Namespace(metadata.GetString(type.Namespace)) : GetTypeFromDefinition(metadata, declaring, 0) + "+")
                + metadata.GetString(type.Name);
        }

        public string GetTypeFromReference(MetadataReader metadata, TypeReferenceHandle handle, byte kind)
        {
            var type = metadata.GetTypeReference(handle);
            return (type.ResolutionScope.Kind == HandleKind.TypeReference
                ? GetTypeFromReference(metadata, (TypeReferenceHandle)type.ResolutionScope, 0) + "+"
                : Namespace(metadata.GetString(type.Namespace))) + metadata.GetString(type.Name);
        }

        public string GetTypeFromSpecification(MetadataReader metadata, object? context, TypeSpecificationHandle handle, byte kind) =>
            metadata.GetTypeSpecification(handle).DecodeSignature(this, context);

        private static string Namespace(string name) => name.Length == 0 ? "" : name + ".";
    }
}
