// MetadataScan: the metadata half of the nano compile check (eng/nano-check.sh).
//
// nanoFramework mscorlib 1.17.11 is a pre-generics runtime: it declares Action<T> & co., so C#
// that uses them compiles against it, but an assembly that instantiates any generic type or
// method crashes the nanoCLR while it resolves the assembly. A compile check cannot see that, so
// this tool reads the compiled assembly's metadata and fails on:
//   - TypeSpec rows that instantiate a generic type (or mention a generic parameter),
//   - MethodSpec rows (generic method instantiations),
//   - GenericParam rows (generic type or method definitions),
//   - TypeRefs to a generic type by name (a backtick arity, e.g. System.Action`1),
//   - any signature (fields, methods, properties, member references, locals) that contains a
//     generic instantiation or a generic parameter,
//   - with --only-mscorlib: any AssemblyRef other than mscorlib.
//
// Usage:
//   MetadataScan <assembly.dll> [--only-mscorlib]   scan; exit 0 when clean, 1 with offenders
//   MetadataScan <assembly.dll> --dump              list public types and members (to check what
//                                                   an assembly such as nano's mscorlib has)
// Exit codes: 0 clean, 1 offenders found, 2 usage or I/O error.

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.Metadata.Ecma335;
using System.Reflection.PortableExecutable;
using System.Text;

namespace MetadataScan;

internal static class Program
{
    private static int Main(string[] args)
    {
        string? path = null;
        bool onlyMscorlib = false;
        bool dump = false;
        foreach (string a in args)
        {
            switch (a)
            {
                case "--only-mscorlib": onlyMscorlib = true; break;
                case "--dump": dump = true; break;
                case "-h":
                case "--help":
                    Console.WriteLine("usage: MetadataScan <assembly.dll> [--only-mscorlib] | <assembly.dll> --dump");
                    return 0;
                default:
                    if (a.StartsWith("-", StringComparison.Ordinal) || path != null)
                    {
                        Console.Error.WriteLine($"metadata scan: unexpected argument '{a}'");
                        return 2;
                    }
                    path = a;
                    break;
            }
        }

        if (path == null)
        {
            Console.Error.WriteLine("usage: MetadataScan <assembly.dll> [--only-mscorlib] | <assembly.dll> --dump");
            return 2;
        }

        if (!File.Exists(path))
        {
            Console.Error.WriteLine($"metadata scan: no such file: {path}");
            return 2;
        }

        try
        {
            using FileStream fs = File.OpenRead(path);
            using var pe = new PEReader(fs);
            if (!pe.HasMetadata)
            {
                Console.Error.WriteLine($"metadata scan: {path} has no ECMA-335 metadata");
                return 2;
            }

            MetadataReader md = pe.GetMetadataReader();
            if (dump)
            {
                Dumper.Dump(md, Console.Out);
                return 0;
            }

            return new Scanner(pe, md, Path.GetFileName(path), onlyMscorlib).Run();
        }
        catch (BadImageFormatException e)
        {
            Console.Error.WriteLine($"metadata scan: {path}: not a valid assembly ({e.Message})");
            return 2;
        }
    }
}

/// <summary>Turns metadata handles and signatures into readable C#-ish names, and counts every
/// generic instantiation or generic parameter it meets while decoding (<see cref="Hits"/>).</summary>
internal sealed class NameProvider : ISignatureTypeProvider<string, object?>
{
    public int Hits;

    private readonly MetadataReader _md;

    public NameProvider(MetadataReader md) => _md = md;

    public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
    {
        PrimitiveTypeCode.Void => "void",
        PrimitiveTypeCode.Boolean => "bool",
        PrimitiveTypeCode.Char => "char",
        PrimitiveTypeCode.SByte => "sbyte",
        PrimitiveTypeCode.Byte => "byte",
        PrimitiveTypeCode.Int16 => "short",
        PrimitiveTypeCode.UInt16 => "ushort",
        PrimitiveTypeCode.Int32 => "int",
        PrimitiveTypeCode.UInt32 => "uint",
        PrimitiveTypeCode.Int64 => "long",
        PrimitiveTypeCode.UInt64 => "ulong",
        PrimitiveTypeCode.Single => "float",
        PrimitiveTypeCode.Double => "double",
        PrimitiveTypeCode.String => "string",
        PrimitiveTypeCode.Object => "object",
        PrimitiveTypeCode.IntPtr => "nint",
        PrimitiveTypeCode.UIntPtr => "nuint",
        PrimitiveTypeCode.TypedReference => "typedref",
        _ => typeCode.ToString(),
    };

    public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        => Names.Of(reader, handle);

    public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
        => Names.Of(reader, handle);

    public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
        => reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

    public string GetSZArrayType(string elementType) => elementType + "[]";

    public string GetArrayType(string elementType, ArrayShape shape)
        => elementType + "[" + new string(',', Math.Max(0, shape.Rank - 1)) + "]";

    public string GetByReferenceType(string elementType) => "ref " + elementType;

    public string GetPointerType(string elementType) => elementType + "*";

    public string GetPinnedType(string elementType) => elementType + " pinned";

    public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired)
        => unmodifiedType + (isRequired ? " modreq(" : " modopt(") + modifier + ")";

    public string GetFunctionPointerType(MethodSignature<string> signature)
        => "delegate*<" + string.Join(", ", signature.ParameterTypes.Append(signature.ReturnType)) + ">";

    public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments)
    {
        Hits++;
        return genericType + "<" + string.Join(", ", typeArguments) + ">";
    }

    public string GetGenericTypeParameter(object? genericContext, int index)
    {
        Hits++;
        return "!" + index;
    }

    public string GetGenericMethodParameter(object? genericContext, int index)
    {
        Hits++;
        return "!!" + index;
    }

    public string Method(MethodSignature<string> sig, string name)
        => sig.ReturnType + " " + name + "(" + string.Join(", ", sig.ParameterTypes) + ")";
}

internal static class Names
{
    public static string Of(MetadataReader md, TypeDefinitionHandle h)
    {
        TypeDefinition td = md.GetTypeDefinition(h);
        string name = md.GetString(td.Name);
        TypeDefinitionHandle declaring = td.GetDeclaringType();
        if (!declaring.IsNil)
        {
            return Of(md, declaring) + "/" + name;
        }

        string ns = md.GetString(td.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    public static string Of(MetadataReader md, TypeReferenceHandle h)
    {
        TypeReference tr = md.GetTypeReference(h);
        string name = md.GetString(tr.Name);
        if (tr.ResolutionScope.Kind == HandleKind.TypeReference)
        {
            return Of(md, (TypeReferenceHandle)tr.ResolutionScope) + "/" + name;
        }

        string ns = md.GetString(tr.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    public static string ScopeOf(MetadataReader md, TypeReferenceHandle h)
    {
        TypeReference tr = md.GetTypeReference(h);
        EntityHandle scope = tr.ResolutionScope;
        return scope.Kind switch
        {
            HandleKind.AssemblyReference => md.GetString(md.GetAssemblyReference((AssemblyReferenceHandle)scope).Name),
            HandleKind.TypeReference => ScopeOf(md, (TypeReferenceHandle)scope),
            HandleKind.ModuleReference => md.GetString(md.GetModuleReference((ModuleReferenceHandle)scope).Name),
            _ => "this module",
        };
    }

    /// <summary>Name of a TypeDef, TypeRef or TypeSpec handle (a TypeSpec is decoded).</summary>
    public static string OfType(MetadataReader md, NameProvider p, EntityHandle h) => h.Kind switch
    {
        HandleKind.TypeDefinition => Of(md, (TypeDefinitionHandle)h),
        HandleKind.TypeReference => Of(md, (TypeReferenceHandle)h),
        HandleKind.TypeSpecification => md.GetTypeSpecification((TypeSpecificationHandle)h).DecodeSignature(p, null),
        _ => h.Kind.ToString(),
    };

    public static string OfMethodDef(MetadataReader md, MethodDefinitionHandle h)
    {
        MethodDefinition m = md.GetMethodDefinition(h);
        return Of(md, m.GetDeclaringType()) + "::" + md.GetString(m.Name);
    }

    /// <summary>Owner::Name of a MethodDef or MemberRef (the parent of a MemberRef may be a
    /// TypeSpec, which is decoded).</summary>
    public static string OfMethod(MetadataReader md, NameProvider p, EntityHandle h)
    {
        switch (h.Kind)
        {
            case HandleKind.MethodDefinition:
                return OfMethodDef(md, (MethodDefinitionHandle)h);
            case HandleKind.MemberReference:
                MemberReference mr = md.GetMemberReference((MemberReferenceHandle)h);
                string parent = mr.Parent.Kind switch
                {
                    HandleKind.MethodDefinition => OfMethodDef(md, (MethodDefinitionHandle)mr.Parent),
                    HandleKind.ModuleReference => md.GetString(md.GetModuleReference((ModuleReferenceHandle)mr.Parent).Name),
                    _ => OfType(md, p, mr.Parent),
                };
                return parent + "::" + md.GetString(mr.Name);
            default:
                return h.Kind.ToString();
        }
    }
}

internal sealed class Scanner
{
    private readonly PEReader _pe;
    private readonly MetadataReader _md;
    private readonly string _fileName;
    private readonly bool _onlyMscorlib;
    private readonly NameProvider _p;
    private readonly List<string> _offenders = new();
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<string> _notes = new();
    private int _genericCount;

    public Scanner(PEReader pe, MetadataReader md, string fileName, bool onlyMscorlib)
    {
        _pe = pe;
        _md = md;
        _fileName = fileName;
        _onlyMscorlib = onlyMscorlib;
        _p = new NameProvider(md);
    }

    private void Offend(string what, bool generic = true)
    {
        if (_seen.Add(what))
        {
            _offenders.Add(what);
            if (generic)
            {
                _genericCount++;
            }
        }
    }

    /// <summary>Decodes with the name provider; returns the text and whether anything generic
    /// was met on the way.</summary>
    private (string Text, bool Generic) Decode(Func<NameProvider, string> decode)
    {
        _p.Hits = 0;
        string s = decode(_p);
        return (s, _p.Hits > 0);
    }

    public int Run()
    {
        MetadataReader md = _md;

        // Assembly references.
        var asmRefs = new List<string>();
        foreach (AssemblyReferenceHandle h in md.AssemblyReferences)
        {
            AssemblyReference ar = md.GetAssemblyReference(h);
            string name = md.GetString(ar.Name);
            asmRefs.Add(name + " " + ar.Version);
            if (_onlyMscorlib && !string.Equals(name, "mscorlib", StringComparison.Ordinal))
            {
                Offend($"assembly reference other than mscorlib: {name} {ar.Version}", generic: false);
            }
        }

        // TypeRefs: a generic type referenced by name (System.Action`1, ...).
        foreach (TypeReferenceHandle h in md.TypeReferences)
        {
            string name = Names.Of(md, h);
            if (name.Contains('`'))
            {
                Offend($"reference to generic type {name} (from {Names.ScopeOf(md, h)})");
            }
        }

        // TypeSpecs: instantiations such as System.Action`1<int>.
        foreach (TypeSpecificationHandle h in Handles(TableIndex.TypeSpec).Select(i => MetadataTokens.TypeSpecificationHandle(i)))
        {
            var (text, generic) = Decode(p => md.GetTypeSpecification(h).DecodeSignature(p, null));
            if (generic)
            {
                Offend($"generic instantiation (TypeSpec 0x{MetadataTokens.GetToken(h):X8}): {text}");
            }
        }

        // MethodSpecs: every row is a generic method instantiation.
        foreach (MethodSpecificationHandle h in Handles(TableIndex.MethodSpec).Select(i => MetadataTokens.MethodSpecificationHandle(i)))
        {
            MethodSpecification ms = md.GetMethodSpecification(h);
            _p.Hits = 0;
            ImmutableArray<string> args = ms.DecodeSignature(_p, null);
            Offend($"generic method instantiation (MethodSpec 0x{MetadataTokens.GetToken(h):X8}): " +
                   $"{Names.OfMethod(md, _p, ms.Method)}<{string.Join(", ", args)}>");
        }

        // GenericParams: generic type or method definitions in this assembly.
        for (int i = 1; i <= md.GetTableRowCount(TableIndex.GenericParam); i++)
        {
            GenericParameter gp = md.GetGenericParameter(MetadataTokens.GenericParameterHandle(i));
            string owner = gp.Parent.Kind == HandleKind.TypeDefinition
                ? "type " + Names.Of(md, (TypeDefinitionHandle)gp.Parent)
                : "method " + Names.OfMethodDef(md, (MethodDefinitionHandle)gp.Parent);
            Offend($"generic parameter {md.GetString(gp.Name)} on {owner}");
        }

        // MemberRefs: a member of a generic instantiation, or a generic signature.
        int memberRefs = 0;
        foreach (MemberReferenceHandle h in md.MemberReferences)
        {
            memberRefs++;
            MemberReference mr = md.GetMemberReference(h);
            var (parent, parentGeneric) = Decode(p => Names.OfMethod(md, p, h));
            bool isField = mr.GetKind() == MemberReferenceKind.Field;
            var (sig, sigGeneric) = Decode(p => isField
                ? mr.DecodeFieldSignature(p, null) + " " + md.GetString(mr.Name)
                : p.Method(mr.DecodeMethodSignature(p, null), md.GetString(mr.Name)));
            if (parentGeneric || sigGeneric)
            {
                Offend($"member reference to {parent}: {sig}");
            }
        }

        // Definitions: field, method, property signatures and method locals.
        foreach (TypeDefinitionHandle th in md.TypeDefinitions)
        {
            TypeDefinition td = md.GetTypeDefinition(th);
            string typeName = Names.Of(md, th);

            if (!td.BaseType.IsNil)
            {
                var (b, bg) = Decode(p => Names.OfType(md, p, td.BaseType));
                if (bg)
                {
                    Offend($"type {typeName} derives from generic {b}");
                }
            }

            foreach (InterfaceImplementationHandle ih in td.GetInterfaceImplementations())
            {
                EntityHandle itf = md.GetInterfaceImplementation(ih).Interface;
                var (n, g) = Decode(p => Names.OfType(md, p, itf));
                if (g)
                {
                    Offend($"type {typeName} implements generic {n}");
                }
            }

            foreach (FieldDefinitionHandle fh in td.GetFields())
            {
                FieldDefinition f = md.GetFieldDefinition(fh);
                var (s, g) = Decode(p => f.DecodeSignature(p, null));
                if (g)
                {
                    Offend($"field {typeName}::{md.GetString(f.Name)} has generic type {s}");
                }
            }

            foreach (PropertyDefinitionHandle ph in td.GetProperties())
            {
                PropertyDefinition pd = md.GetPropertyDefinition(ph);
                var (s, g) = Decode(p => p.Method(pd.DecodeSignature(p, null), md.GetString(pd.Name)));
                if (g)
                {
                    Offend($"property {typeName}::{md.GetString(pd.Name)} has a generic signature: {s}");
                }
            }

            foreach (EventDefinitionHandle eh in td.GetEvents())
            {
                EventDefinition ed = md.GetEventDefinition(eh);
                var (s, g) = Decode(p => Names.OfType(md, p, ed.Type));
                if (g)
                {
                    Offend($"event {typeName}::{md.GetString(ed.Name)} has generic type {s}");
                }
            }

            foreach (MethodDefinitionHandle mh in td.GetMethods())
            {
                MethodDefinition m = md.GetMethodDefinition(mh);
                string name = md.GetString(m.Name);
                var (s, g) = Decode(p => p.Method(m.DecodeSignature(p, null), name));
                if (g)
                {
                    Offend($"method {typeName}::{name} has a generic signature: {s}");
                }

                if (m.RelativeVirtualAddress != 0)
                {
                    MethodBodyBlock body = _pe.GetMethodBody(m.RelativeVirtualAddress);
                    if (!body.LocalSignature.IsNil)
                    {
                        StandaloneSignature ss = md.GetStandaloneSignature(body.LocalSignature);
                        var (locals, lg) = Decode(p => string.Join(", ", ss.DecodeLocalSignature(p, null)));
                        if (lg)
                        {
                            Offend($"locals of {typeName}::{name} use generics: {locals}");
                        }
                    }
                }
            }

            // Not failures: types the compiler injects that NANO-FACTS.md warns about (C# 11+).
            if (typeName is "Microsoft.CodeAnalysis.EmbeddedAttribute" or "System.Runtime.CompilerServices.RefSafetyRulesAttribute")
            {
                _notes.Add($"note: compiler-injected type {typeName} (is LangVersion above 10?)");
            }
        }

        foreach (string n in _notes)
        {
            Console.WriteLine($"metadata scan: {n}");
        }

        int typeRefs = md.TypeReferences.Count;
        string refs = string.Join(", ", asmRefs);
        if (_offenders.Count == 0)
        {
            Console.WriteLine($"metadata scan: 0 generic instantiations in {_fileName} " +
                              $"({typeRefs} TypeRefs, {memberRefs} MemberRefs, {md.TypeDefinitions.Count} TypeDefs, " +
                              $"{md.MethodDefinitions.Count} MethodDefs checked; references: {refs})");
            return 0;
        }

        Console.WriteLine($"metadata scan: FAILED for {_fileName}: {_genericCount} generic use(s)" +
                          (_offenders.Count > _genericCount ? $", {_offenders.Count - _genericCount} other problem(s)" : "") +
                          $" ({typeRefs} TypeRefs, {memberRefs} MemberRefs checked; references: {refs})");
        foreach (string o in _offenders)
        {
            Console.WriteLine("  " + o);
        }

        return 1;
    }

    private IEnumerable<int> Handles(TableIndex table)
        => Enumerable.Range(1, _md.GetTableRowCount(table));
}

/// <summary>--dump: public types and members, one a line, to check what an assembly declares
/// (e.g. whether nano's mscorlib already has a type before declaring it for the check).</summary>
internal static class Dumper
{
    public static void Dump(MetadataReader md, TextWriter o)
    {
        var p = new NameProvider(md);
        if (md.IsAssembly)
        {
            AssemblyDefinition ad = md.GetAssemblyDefinition();
            o.WriteLine($"assembly {md.GetString(ad.Name)} {ad.Version}");
        }

        foreach (AssemblyReferenceHandle h in md.AssemblyReferences)
        {
            AssemblyReference ar = md.GetAssemblyReference(h);
            o.WriteLine($"reference {md.GetString(ar.Name)} {ar.Version}");
        }

        var lines = new List<string>();
        foreach (TypeDefinitionHandle th in md.TypeDefinitions)
        {
            TypeDefinition td = md.GetTypeDefinition(th);
            if (!IsVisible(md, td))
            {
                continue;
            }

            string name = Names.Of(md, th);
            string kind = KindOf(md, p, td);
            string baseName = td.BaseType.IsNil ? "" : " : " + Names.OfType(md, p, td.BaseType);
            var itfs = td.GetInterfaceImplementations()
                .Select(ih => Names.OfType(md, p, md.GetInterfaceImplementation(ih).Interface)).ToList();
            if (itfs.Count > 0)
            {
                baseName += (baseName.Length == 0 ? " : " : ", ") + string.Join(", ", itfs);
            }

            var gps = td.GetGenericParameters().Select(g => md.GetString(md.GetGenericParameter(g).Name)).ToList();
            string gp = gps.Count > 0 ? "<" + string.Join(", ", gps) + ">" : "";
            lines.Add($"{kind} {name}{gp}{baseName}");

            foreach (FieldDefinitionHandle fh in td.GetFields())
            {
                FieldDefinition f = md.GetFieldDefinition(fh);
                FieldAttributes a = f.Attributes & FieldAttributes.FieldAccessMask;
                if (a != FieldAttributes.Public && a != FieldAttributes.Family && a != FieldAttributes.FamORAssem)
                {
                    continue;
                }

                string fname = md.GetString(f.Name);
                if (kind == "enum" && fname == "value__")
                {
                    continue;
                }

                string st = (f.Attributes & FieldAttributes.Literal) != 0 ? "const " : (f.Attributes & FieldAttributes.Static) != 0 ? "static " : "";
                lines.Add($"  {name}: field {st}{f.DecodeSignature(p, null)} {fname}");
            }

            foreach (MethodDefinitionHandle mh in td.GetMethods())
            {
                MethodDefinition m = md.GetMethodDefinition(mh);
                MethodAttributes a = m.Attributes & MethodAttributes.MemberAccessMask;
                if (a != MethodAttributes.Public && a != MethodAttributes.Family && a != MethodAttributes.FamORAssem)
                {
                    continue;
                }

                string st = (m.Attributes & MethodAttributes.Static) != 0 ? "static " : "";
                string impl = (m.ImplAttributes & MethodImplAttributes.InternalCall) != 0 ? " [internalcall]" : "";
                var mgps = m.GetGenericParameters().Select(g => md.GetString(md.GetGenericParameter(g).Name)).ToList();
                string mgp = mgps.Count > 0 ? "<" + string.Join(", ", mgps) + ">" : "";
                lines.Add($"  {name}: method {st}{p.Method(m.DecodeSignature(p, null), md.GetString(m.Name) + mgp)}{impl}");
            }

            foreach (PropertyDefinitionHandle ph in td.GetProperties())
            {
                PropertyDefinition pd = md.GetPropertyDefinition(ph);
                PropertyAccessors acc = pd.GetAccessors();
                bool vis = IsVisible(md, acc.Getter) || IsVisible(md, acc.Setter);
                if (!vis)
                {
                    continue;
                }

                string gs = (IsVisible(md, acc.Getter) ? " get;" : "") + (IsVisible(md, acc.Setter) ? " set;" : "");
                MethodSignature<string> sig = pd.DecodeSignature(p, null);
                lines.Add($"  {name}: property {sig.ReturnType} {md.GetString(pd.Name)}" +
                          (sig.ParameterTypes.Length > 0 ? "[" + string.Join(", ", sig.ParameterTypes) + "]" : "") + $" {{{gs} }}");
            }

            foreach (EventDefinitionHandle eh in td.GetEvents())
            {
                EventDefinition ed = md.GetEventDefinition(eh);
                lines.Add($"  {name}: event {Names.OfType(md, p, ed.Type)} {md.GetString(ed.Name)}");
            }
        }

        foreach (string l in lines)
        {
            o.WriteLine(l);
        }
    }

    private static bool IsVisible(MetadataReader md, MethodDefinitionHandle h)
    {
        if (h.IsNil)
        {
            return false;
        }

        MethodAttributes a = md.GetMethodDefinition(h).Attributes & MethodAttributes.MemberAccessMask;
        return a == MethodAttributes.Public || a == MethodAttributes.Family || a == MethodAttributes.FamORAssem;
    }

    private static bool IsVisible(MetadataReader md, TypeDefinition td)
    {
        TypeAttributes v = td.Attributes & TypeAttributes.VisibilityMask;
        switch (v)
        {
            case TypeAttributes.Public:
                return true;
            case TypeAttributes.NestedPublic:
            case TypeAttributes.NestedFamily:
            case TypeAttributes.NestedFamORAssem:
                return IsVisible(md, md.GetTypeDefinition(td.GetDeclaringType()));
            default:
                return false;
        }
    }

    private static string KindOf(MetadataReader md, NameProvider p, TypeDefinition td)
    {
        if ((td.Attributes & TypeAttributes.Interface) != 0)
        {
            return "interface";
        }

        string b = td.BaseType.IsNil ? "" : Names.OfType(md, p, td.BaseType);
        return b switch
        {
            "System.Enum" => "enum",
            "System.ValueType" => "struct",
            "System.MulticastDelegate" => "delegate",
            _ => (td.Attributes & (TypeAttributes.Abstract | TypeAttributes.Sealed)) == (TypeAttributes.Abstract | TypeAttributes.Sealed)
                ? "static class"
                : "class",
        };
    }
}
