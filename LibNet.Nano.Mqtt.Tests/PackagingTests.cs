using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using NanoLibNet.Tests;
using Xunit;

namespace NanoLibNet.Mqtt.Tests
{
    /// <summary>
    /// The MQTT client's nano packaging, which cannot be built on this machine: its nfproj compiles
    /// exactly the host build's sources with nano settings, its references match packages.config,
    /// its nuspec packs what the nfproj builds and depends on LibNet.Nano, and the workflows and
    /// solutions know them.
    /// </summary>
    public class PackagingTests : NetTest
    {
        private static readonly XNamespace MsBuild = "http://schemas.microsoft.com/developer/msbuild/2003";
        private static readonly XNamespace Nuspec = "http://schemas.microsoft.com/packaging/2012/06/nuspec.xsd";
        private const string Nfproj = "LibNet.Nano.Mqtt/nf/LibNet.Nano.Mqtt.nfproj";

        private static string Root
        {
            get
            {
                string dir = AppContext.BaseDirectory;
                while (dir != null && !File.Exists(Path.Combine(dir, "nanoLibNet.sln")))
                {
                    dir = Path.GetDirectoryName(dir.TrimEnd(Path.DirectorySeparatorChar));
                }

                return dir ?? throw new InvalidOperationException("nanoLibNet.sln not found above " + AppContext.BaseDirectory);
            }
        }

        private static string PathOf(string rel) => Path.Combine(Root, rel.Replace('\\', '/'));

        private static string Resolve(string baseDir, string include) => Path.GetFullPath(Path.Combine(baseDir, include.Replace('\\', '/')));

        private static string Property(XDocument d, string name) => d.Descendants(MsBuild + name).Select(e => e.Value).FirstOrDefault();

        [Fact]
        public void NfprojCompilesExactlyTheHostSources()
        {
            string dir = PathOf("LibNet.Nano.Mqtt");
            var host = new SortedSet<string>(Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
                .Where(f => !Path.GetRelativePath(dir, f).Split(Path.DirectorySeparatorChar)[0].Is("bin", "obj", "nf")), StringComparer.Ordinal);
            XDocument nf = XDocument.Load(PathOf(Nfproj));
            string nfDir = Path.GetDirectoryName(PathOf(Nfproj));
            var listed = new SortedSet<string>(nf.Descendants(MsBuild + "Compile").Select(c => Resolve(nfDir, (string)c.Attribute("Include")))
                .Where(p => p.StartsWith(dir + Path.DirectorySeparatorChar, StringComparison.Ordinal)), StringComparer.Ordinal);
            Assert.Equal(host, listed);
            foreach (XElement c in nf.Descendants(MsBuild + "Compile"))
            {
                Assert.True(File.Exists(Resolve(nfDir, (string)c.Attribute("Include"))), (string)c.Attribute("Include") + " does not exist");
            }
        }

        [Fact]
        public void NfprojHasNanoSettingsAndReferencesMatchPackagesConfig()
        {
            XDocument nf = XDocument.Load(PathOf(Nfproj));
            Assert.Equal("10", Property(nf, "LangVersion"));
            Assert.Contains("NANOFRAMEWORK_1_0", Property(nf, "DefineConstants"));
            Assert.Equal("v1.0", Property(nf, "TargetFrameworkVersion"));
            Assert.Equal("Library", Property(nf, "OutputType"));
            Assert.Equal("LibNet.Nano.Mqtt", Property(nf, "AssemblyName"));
            Assert.Equal(@"bin\$(Configuration)\LibNet.Nano.Mqtt.xml", Property(nf, "DocumentationFile"));
            Assert.Contains(nf.Descendants(MsBuild + "ProjectReference"), r => ((string)r.Attribute("Include")).EndsWith(@"LibNet.Nano\LibNet.Nano.nfproj", StringComparison.Ordinal)
                || ((string)r.Attribute("Include")).EndsWith(@"LibNet.Nano\nf\LibNet.Nano.nfproj", StringComparison.Ordinal));

            var packages = XDocument.Load(PathOf("LibNet.Nano.Mqtt/nf/packages.config")).Root.Elements("package")
                .ToDictionary(p => (string)p.Attribute("id"), p => (string)p.Attribute("version"));
            Assert.Equal("1.17.11", packages["nanoFramework.CoreLibrary"]);
            var referenced = new Dictionary<string, string>();
            foreach (XElement r in nf.Descendants(MsBuild + "Reference"))
            {
                Match m = Regex.Match((string)r.Element(MsBuild + "HintPath"), @"^(?:\.\.\\)+packages\\(?<idver>[^\\]+)\\lib\\[^\\]+\.dll$");
                Assert.True(m.Success);
                string id = packages.Keys.Single(k => m.Groups["idver"].Value.StartsWith(k + ".", StringComparison.Ordinal));
                Assert.Equal(packages[id], m.Groups["idver"].Value.Substring(id.Length + 1));
                Assert.Contains("Version=" + packages[id] + ".0", (string)r.Attribute("Include"));
                referenced[id] = packages[id];
            }

            Assert.Equal(packages.Keys.OrderBy(k => k), referenced.Keys.OrderBy(k => k));
        }

        [Fact]
        public void NuspecPacksTheNanoBuildAndDependsOnLibNetNano()
        {
            XElement package = XDocument.Load(PathOf("LibNet.Nano.Mqtt.nuspec")).Root;
            XElement meta = package.Element(Nuspec + "metadata");
            Assert.Equal("LibNet.Nano.Mqtt", (string)meta.Element(Nuspec + "id"));
            Assert.Equal("$version$", (string)meta.Element(Nuspec + "version"));
            Assert.Contains("nanoFramework", ((string)meta.Element(Nuspec + "tags")).Split(' '));
            var deps = meta.Element(Nuspec + "dependencies").Elements(Nuspec + "dependency")
                .ToDictionary(d => (string)d.Attribute("id"), d => (string)d.Attribute("version"));
            Assert.Equal("$version$", deps["LibNet.Nano"]);
            var packages = XDocument.Load(PathOf("LibNet.Nano.Mqtt/nf/packages.config")).Root.Elements("package")
                .ToDictionary(p => (string)p.Attribute("id"), p => (string)p.Attribute("version"));
            foreach (var p in packages)
            {
                Assert.Equal(p.Value, deps[p.Key]);
            }

            Assert.Equal(packages.Count + 1, deps.Count);
            var files = package.Element(Nuspec + "files").Elements(Nuspec + "file").Select(f => ((string)f.Attribute("src"), (string)f.Attribute("target"))).ToList();
            foreach (string ext in new[] { ".dll", ".pe", ".pdbx", ".xml" })
            {
                Assert.Contains((@"LibNet.Nano.Mqtt\nf\bin\Release\LibNet.Nano.Mqtt" + ext, "lib"), files);
            }

            foreach (var f in files.Where(f => !f.Item1.Contains(@"\bin\", StringComparison.Ordinal)))
            {
                Assert.True(File.Exists(PathOf(f.Item1)), f.Item1 + " missing");
            }

            string readme = ((string)meta.Element(Nuspec + "readme")).Replace('\\', '/');
            Assert.True(File.Exists(PathOf(readme)), readme + " missing");
        }

        [Fact]
        public void ApiReferenceNamesEveryPublicTypeAndMember()
        {
            string doc = File.ReadAllText(PathOf("docs/api/LibNet.Nano.Mqtt.md"));
            const string regenerate = " (regenerate: dotnet run --project eng/gen-api-docs -- LibNet.Nano.Mqtt/bin/Release/net10.0/LibNet.Nano.Mqtt.dll docs/api/LibNet.Nano.Mqtt.md)";
            Type[] types = typeof(MqttClient).Assembly.GetExportedTypes();
            Assert.NotEmpty(types);
            foreach (Type t in types)
            {
                Assert.True(doc.Contains("\n## " + t.Name + "\n", StringComparison.Ordinal), "the API reference lacks type " + t.Name + regenerate);
                const System.Reflection.BindingFlags flags = System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.DeclaredOnly;
                foreach (var m in t.GetMembers(flags).Where(m => !(m is System.Reflection.MethodInfo mi && mi.IsSpecialName) && !(m is System.Reflection.ConstructorInfo)))
                {
                    Assert.True(doc.Contains(" " + m.Name + "(", StringComparison.Ordinal) || doc.Contains(" " + m.Name + " ", StringComparison.Ordinal) || doc.Contains(" " + m.Name + ";", StringComparison.Ordinal) || doc.Contains("`" + m.Name + "`", StringComparison.Ordinal),
                        "the API reference lacks " + t.Name + "." + m.Name + regenerate);
                }
            }
        }

        [Fact]
        public void WorkflowAndSolutionsKnowTheMqttProjects()
        {
            string workflow = File.ReadAllText(PathOf(".github/workflows/nano.yml"));
            Assert.Contains("nuget pack LibNet.Nano.Mqtt.nuspec", workflow);
            string device = File.ReadAllText(PathOf("nanoLibNet.Device.sln"));
            Assert.Contains(@"LibNet.Nano.Mqtt\nf\LibNet.Nano.Mqtt.nfproj", device);
            Assert.Contains(@"samples\Esp32Mqtt\nf\Esp32Mqtt.nfproj", device);
            string host = File.ReadAllText(PathOf("nanoLibNet.sln"));
            foreach (string p in new[] { @"LibNet.Nano.Mqtt\LibNet.Nano.Mqtt.csproj", @"LibNet.Nano.Mqtt.Tests\LibNet.Nano.Mqtt.Tests.csproj", @"samples\Esp32Mqtt\Esp32Mqtt.csproj", @"bench\LibNet.Nano.Mqtt.Bench\LibNet.Nano.Mqtt.Bench.csproj" })
            {
                Assert.Contains(p, host);
            }

            Assert.Contains("LibNet.Nano.Mqtt.NanoCheck.csproj", File.ReadAllText(PathOf("eng/nano-check.sh")));
        }
    }

    internal static class StringIs
    {
        public static bool Is(this string s, params string[] any) => any.Contains(s);
    }
}
