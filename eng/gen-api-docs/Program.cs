using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace LibNetNano.ApiDocs
{
    /// <summary>
    /// One markdown page of LibNet.Nano's public API: each public type (sorted by name) with its
    /// summary, then its public constructors, constants, fields, properties, methods and events,
    /// each with its C# signature, summary, parameters, return value and exceptions as written in
    /// the XML doc comments.
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            string dll = args.Length > 0 ? args[0] : FindDll();
            string output = args.Length > 1 ? args[1] : Path.Combine("docs", "api", "LibNet.Nano.md");
            string xml = Path.ChangeExtension(dll, ".xml");
            if (dll == null || !File.Exists(dll) || !File.Exists(xml))
            {
                Console.Error.WriteLine("gen-api-docs: build LibNet.Nano first (need LibNet.Nano.dll and LibNet.Nano.xml); got " + (dll ?? "nothing"));
                return 2;
            }

            Assembly asm = Assembly.LoadFrom(Path.GetFullPath(dll));
            Dictionary<string, XElement> docs = XDocument.Load(xml).Root.Element("members").Elements("member")
                .ToDictionary(m => (string)m.Attribute("name"), m => m);
            string text = Render(asm, docs);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(output)));
            File.WriteAllText(output, text.Replace("\r\n", "\n"));
            Console.WriteLine("gen-api-docs: wrote " + output + " (" + asm.GetExportedTypes().Length + " types)");
            return 0;
        }

        private static string FindDll()
        {
            string bin = Path.Combine("LibNet.Nano", "bin");
            if (!Directory.Exists(bin))
            {
                return null;
            }

            return Directory.EnumerateFiles(bin, "LibNet.Nano.dll", SearchOption.AllDirectories)
                .Where(p => p.Contains("net10.0"))
                .OrderByDescending(File.GetLastWriteTimeUtc)
                .FirstOrDefault();
        }

        private static string Render(Assembly asm, Dictionary<string, XElement> docs)
        {
            var sb = new StringBuilder();
            Type[] types = asm.GetExportedTypes().OrderBy(t => t.Name, StringComparer.Ordinal).ToArray();
            string name = asm.GetName().Name;
            sb.Append("# " + name + " API reference\n\n");
            sb.Append("Generated from the XML documentation comments by `eng/gen-api-docs` (do not edit by hand;\n");
            sb.Append("rerun it after changing a public member). Namespace: `" + types[0].Namespace + "`. Assembly and\n");
            sb.Append("NuGet package: `" + name + "`.\n\n");
            foreach (Type t in types)
            {
                sb.Append("- [" + t.Name + "](#" + Anchor(t.Name) + ") " + Kind(t) + ": " + OneLine(Summary(docs, "T:" + t.FullName)) + "\n");
            }

            foreach (Type t in types)
            {
                sb.Append("\n## " + t.Name + "\n\n");
                sb.Append("```csharp\n" + TypeSignature(t) + "\n```\n\n");
                AppendDoc(sb, docs, "T:" + t.FullName);
                AppendMembers(sb, docs, t);
            }

            return sb.ToString();
        }

        private static void AppendMembers(StringBuilder sb, Dictionary<string, XElement> docs, Type t)
        {
            const BindingFlags flags = BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
            if (t.IsEnum)
            {
                sb.Append("| value | meaning |\n|---|---|\n");
                foreach (FieldInfo f in t.GetFields(BindingFlags.Public | BindingFlags.Static))
                {
                    sb.Append("| `" + f.Name + "` = " + Convert.ToInt64(f.GetRawConstantValue()) + " | " + OneLine(Summary(docs, "F:" + t.FullName + "." + f.Name)) + " |\n");
                }

                return;
            }

            if (typeof(Delegate).IsAssignableFrom(t))
            {
                return;
            }

            var members = new List<(string Signature, string Id)>();
            foreach (ConstructorInfo c in t.GetConstructors(flags))
            {
                members.Add(("public " + t.Name + "(" + Params(c.GetParameters()) + ")", "M:" + t.FullName + ".#ctor" + IdParams(c.GetParameters())));
            }

            foreach (FieldInfo f in t.GetFields(flags).OrderBy(f => f.Name, StringComparer.Ordinal))
            {
                string value = f.IsLiteral ? " = " + Literal(f.GetRawConstantValue()) : string.Empty;
                string mods = f.IsLiteral ? "const " : (f.IsStatic ? "static " : string.Empty) + (f.IsInitOnly ? "readonly " : string.Empty);
                members.Add(("public " + mods + TypeName(f.FieldType) + " " + f.Name + value + ";", "F:" + t.FullName + "." + f.Name));
            }

            foreach (PropertyInfo p in t.GetProperties(flags).OrderBy(p => p.Name, StringComparer.Ordinal))
            {
                MethodInfo get = p.GetGetMethod();
                MethodInfo set = p.GetSetMethod();
                string stat = (get ?? set).IsStatic ? "static " : string.Empty;
                members.Add(("public " + stat + TypeName(p.PropertyType) + " " + p.Name + " { " + (get != null ? "get; " : string.Empty) + (set != null ? "set; " : string.Empty) + "}", "P:" + t.FullName + "." + p.Name));
            }

            foreach (MethodInfo m in t.GetMethods(flags).Where(m => !m.IsSpecialName).OrderBy(m => m.Name, StringComparer.Ordinal).ThenBy(m => m.GetParameters().Length))
            {
                string mods = m.IsStatic ? "static " : (m.IsAbstract ? "abstract " : (m.GetBaseDefinition() != m ? "override " : (m.IsVirtual && !m.IsFinal ? "virtual " : string.Empty)));
                members.Add(("public " + mods + TypeName(m.ReturnType) + " " + m.Name + "(" + Params(m.GetParameters()) + ")", "M:" + t.FullName + "." + m.Name + IdParams(m.GetParameters())));
            }

            foreach (EventInfo e in t.GetEvents(flags))
            {
                members.Add(("public event " + TypeName(e.EventHandlerType) + " " + e.Name + ";", "E:" + t.FullName + "." + e.Name));
            }

            foreach (var member in members)
            {
                sb.Append("\n### `" + member.Signature + "`\n\n");
                AppendDoc(sb, docs, member.Id);
            }
        }

        private static void AppendDoc(StringBuilder sb, Dictionary<string, XElement> docs, string id)
        {
            if (!docs.TryGetValue(id, out XElement m))
            {
                sb.Append("(no documentation)\n");
                return;
            }

            if (m.Element("inheritdoc") != null && m.Element("summary") == null)
            {
                sb.Append("Documented on the overridden member.\n");
                return;
            }

            sb.Append(Text(m.Element("summary")) + "\n");
            foreach (XElement p in m.Elements("typeparam").Concat(m.Elements("param")))
            {
                sb.Append("\n- `" + (string)p.Attribute("name") + "`: " + Text(p));
            }

            if (m.Element("returns") != null)
            {
                sb.Append("\n- returns: " + Text(m.Element("returns")));
            }

            foreach (XElement e in m.Elements("exception"))
            {
                sb.Append("\n- throws `" + ShortCref((string)e.Attribute("cref")) + "`: " + Text(e));
            }

            if (m.Element("remarks") != null)
            {
                sb.Append("\n\n" + Text(m.Element("remarks")));
            }

            sb.Append("\n");
        }

        private static string Summary(Dictionary<string, XElement> docs, string id)
        {
            return docs.TryGetValue(id, out XElement m) && m.Element("summary") != null ? Text(m.Element("summary")) : string.Empty;
        }

        // The XML text with <see>, <paramref>, <c> and <para> turned into markdown.
        private static string Text(XElement e)
        {
            if (e == null)
            {
                return string.Empty;
            }

            var sb = new StringBuilder();
            foreach (XNode n in e.Nodes())
            {
                if (n is XText t)
                {
                    sb.Append(t.Value);
                }
                else if (n is XElement x)
                {
                    switch (x.Name.LocalName)
                    {
                        case "see":
                        case "seealso":
                            string cref = (string)x.Attribute("cref");
                            string word = (string)x.Attribute("langword");
                            sb.Append(cref != null ? "`" + ShortCref(cref) + "`" : "`" + (word ?? x.Value) + "`");
                            break;
                        case "paramref":
                        case "typeparamref":
                            sb.Append("`" + (string)x.Attribute("name") + "`");
                            break;
                        case "c":
                            sb.Append("`" + x.Value + "`");
                            break;
                        case "para":
                            sb.Append("\n\n" + Text(x) + "\n\n");
                            break;
                        default:
                            sb.Append(Text(x));
                            break;
                    }
                }
            }

            string s = Regex.Replace(sb.ToString(), @"[ \t]*\n[ \t]*", "\n");
            s = Regex.Replace(s, @"(?<!\n)\n(?!\n)", " ");
            s = Regex.Replace(s, @"\n{3,}", "\n\n");
            return Regex.Replace(s, @" {2,}", " ").Trim();
        }

        private static string OneLine(string s)
        {
            return s.Replace("\n", " ").Replace("|", "\\|");
        }

        // "M:NanoLibNet.LibNet.Connect(System.String,...)" -> "LibNet.Connect"
        private static string ShortCref(string cref)
        {
            string s = cref.Length > 2 && cref[1] == ':' ? cref.Substring(2) : cref;
            int paren = s.IndexOf('(');
            if (paren >= 0)
            {
                s = s.Substring(0, paren);
            }

            s = s.Replace("NanoLibNet.Mqtt.", string.Empty).Replace("NanoLibNet.", string.Empty).Replace(".#ctor", " constructor");
            return s.StartsWith("System.", StringComparison.Ordinal) ? s.Substring(s.LastIndexOf('.') + 1) : s;
        }

        private static string Anchor(string name)
        {
            return name.ToLowerInvariant();
        }

        private static string Kind(Type t)
        {
            if (t.IsEnum)
            {
                return "enum";
            }

            if (typeof(Delegate).IsAssignableFrom(t))
            {
                return "delegate";
            }

            if (t.IsValueType)
            {
                return "struct";
            }

            if (t.IsInterface)
            {
                return "interface";
            }

            return t.IsAbstract && t.IsSealed ? "static class" : "class";
        }

        private static string TypeSignature(Type t)
        {
            if (typeof(Delegate).IsAssignableFrom(t) && t != typeof(Delegate))
            {
                MethodInfo invoke = t.GetMethod("Invoke");
                return "public delegate " + TypeName(invoke.ReturnType) + " " + t.Name + "(" + Params(invoke.GetParameters()) + ");";
            }

            string mods = t.IsEnum ? "enum" : t.IsValueType ? "struct" : t.IsInterface ? "interface"
                : t.IsAbstract && t.IsSealed ? "static class" : t.IsAbstract ? "abstract class" : t.IsSealed ? "sealed class" : "class";
            var bases = new List<string>();
            if (!t.IsValueType && !t.IsInterface && t.BaseType != null && t.BaseType != typeof(object))
            {
                bases.Add(TypeName(t.BaseType));
            }

            bases.AddRange(t.GetInterfaces().Where(i => i.IsPublic).Select(TypeName));
            return "public " + (t.IsAbstract && !t.IsSealed && !t.IsInterface ? "abstract " : string.Empty) + mods.Replace("abstract ", string.Empty) + " " + t.Name
                + (bases.Count > 0 && !t.IsEnum ? " : " + string.Join(", ", bases) : string.Empty);
        }

        private static string Params(ParameterInfo[] ps)
        {
            return string.Join(", ", ps.Select(p =>
            {
                Type pt = p.ParameterType;
                string mod = string.Empty;
                if (pt.IsByRef)
                {
                    pt = pt.GetElementType();
                    mod = p.IsOut ? "out " : "ref ";
                }

                return mod + TypeName(pt) + " " + p.Name;
            }));
        }

        // XML doc id parameter list: "(System.String,System.Int32@)".
        private static string IdParams(ParameterInfo[] ps)
        {
            if (ps.Length == 0)
            {
                return string.Empty;
            }

            return "(" + string.Join(",", ps.Select(p => p.ParameterType.IsByRef ? p.ParameterType.GetElementType().FullName + "@" : p.ParameterType.FullName)) + ")";
        }

        private static string Literal(object v)
        {
            switch (v)
            {
                case null: return "null";
                case string s: return "\"" + s + "\"";
                case bool b: return b ? "true" : "false";
                case int i when Math.Abs(i) >= 0x10000: return "0x" + i.ToString("X8");
                default: return Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        private static string TypeName(Type t)
        {
            if (t.IsArray)
            {
                return TypeName(t.GetElementType()) + "[]";
            }

            switch (t.FullName)
            {
                case "System.Void": return "void";
                case "System.Int32": return "int";
                case "System.Int64": return "long";
                case "System.Boolean": return "bool";
                case "System.String": return "string";
                case "System.Object": return "object";
                case "System.Byte": return "byte";
                case "System.Char": return "char";
                case "System.Double": return "double";
                default: return t.Name;
            }
        }
    }
}
