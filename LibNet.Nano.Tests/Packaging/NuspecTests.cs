using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Xunit;

namespace NanoLibNet.Tests.Packaging
{
    /// <summary>
    /// LibNet.Nano.nuspec against what it packs: its dependencies are the library's
    /// packages.config (ids and versions), its lib/ files are what LibNet.Nano.nfproj builds, its
    /// readme and license exist, and the CI workflow that packs it supplies every $token$.
    /// </summary>
    public class NuspecTests : NetTest
    {
        private const string Nuspec = "LibNet.Nano.nuspec";
        private static readonly XNamespace Ns = "http://schemas.microsoft.com/packaging/2012/06/nuspec.xsd";

        private static XElement Metadata => RepoFiles.Load(Nuspec).Root.Element(Ns + "metadata");

        private static Dictionary<string, string> Dependencies()
        {
            return Metadata.Element(Ns + "dependencies").Descendants(Ns + "dependency")
                .ToDictionary(d => (string)d.Attribute("id"), d => (string)d.Attribute("version"));
        }

        [Fact]
        public void DependenciesAgreeWithPackagesConfig()
        {
            Dictionary<string, string> deps = Dependencies();
            var packages = RepoFiles.PackagesConfig("LibNet.Nano/nf/packages.config").Where(p => !p.Value.Dev)
                .ToDictionary(p => p.Key, p => p.Value.Version);

            foreach (var p in packages)
            {
                Assert.True(deps.ContainsKey(p.Key), "the nuspec does not depend on " + p.Key + " (packages.config has " + p.Value + ")");
                Assert.True(deps[p.Key] == p.Value, "nuspec " + p.Key + " " + deps[p.Key] + " != packages.config " + p.Value);
            }

            foreach (var d in deps)
            {
                Assert.True(packages.ContainsKey(d.Key), "the nuspec depends on " + d.Key + ", which packages.config does not have");
            }
        }

        [Fact]
        public void DependsOnTheNanoPackagesTheLibraryNeeds()
        {
            Dictionary<string, string> deps = Dependencies();
            Assert.Equal("1.17.11", deps["nanoFramework.CoreLibrary"]);
            Assert.Matches(@"^1\.11\.[0-9]+$", deps["nanoFramework.System.Net"]);
            Assert.Equal("1.1.52", deps["nanoFramework.System.Threading"]);
            Assert.Equal("1.11.37", deps["nanoFramework.Runtime.Events"]);
        }

        [Fact]
        public void IdentityAndDescriptionLikeNanoPackages()
        {
            XElement m = Metadata;
            Assert.Equal("LibNet.Nano", (string)m.Element(Ns + "id"));
            Assert.Equal("$version$", (string)m.Element(Ns + "version"));
            Assert.False(string.IsNullOrWhiteSpace((string)m.Element(Ns + "description")));
            string tags = (string)m.Element(Ns + "tags");
            Assert.Contains("nanoFramework", tags.Split(' '));
            Assert.Contains("netnf", tags.Split(' '));
            Assert.NotNull(m.Element(Ns + "repository"));
            Assert.Equal("file", (string)m.Element(Ns + "license").Attribute("type"));
        }

        [Fact]
        public void LibHoldsTheNanoBuildOutputs()
        {
            XDocument nfproj = RepoFiles.Load("LibNet.Nano/nf/LibNet.Nano.nfproj");
            string assembly = RepoFiles.Property(nfproj, "AssemblyName");
            var files = RepoFiles.Load(Nuspec).Root.Element(Ns + "files").Elements(Ns + "file")
                .Select(f => ((string)f.Attribute("src"), (string)f.Attribute("target"))).ToList();

            // What the nanoFramework build of nf/LibNet.Nano.nfproj writes to nf\bin\Release: the assembly, the
            // .pe the device loads, the .pdbx its debugger reads, the XML docs.
            foreach (string ext in new[] { ".dll", ".pe", ".pdbx", ".xml" })
            {
                string src = @"LibNet.Nano\nf\bin\Release\" + assembly + ext;
                Assert.True(files.Contains((src, "lib")), "the nuspec does not pack " + src + " into lib");
            }

            Assert.Equal(@"bin\$(Configuration)\" + assembly + ".xml", RepoFiles.Property(nfproj, "DocumentationFile"));
        }

        [Fact]
        public void ReadmeAndLicenseArePackedAndExist()
        {
            XElement m = Metadata;
            var files = RepoFiles.Load(Nuspec).Root.Element(Ns + "files").Elements(Ns + "file")
                .Select(f => ((string)f.Attribute("src"), (string)f.Attribute("target"))).ToList();

            string license = (string)m.Element(Ns + "license");
            // At the package root (target "" works with nuget.exe but not with dotnet pack for a
            // file without extension; target = its own name works with both).
            Assert.True(files.Contains((license, license)) || files.Contains((license, "")), "the license file " + license + " is not packed at the root");
            Assert.True(File.Exists(RepoFiles.PathOf(license)), license + " missing");
            Assert.Contains("MIT License", File.ReadAllText(RepoFiles.PathOf(license)));

            string readme = ((string)m.Element(Ns + "readme")).Replace('\\', '/');
            var packedReadme = files.Where(f => (f.Item2.TrimEnd('\\') + "/" + Path.GetFileName(f.Item1)).Replace('\\', '/') == readme).ToList();
            Assert.True(packedReadme.Count == 1, "the readme " + readme + " is not packed");
            Assert.True(File.Exists(RepoFiles.PathOf(packedReadme[0].Item1)), packedReadme[0].Item1 + " missing");
        }

        [Fact]
        public void TheWorkflowSuppliesEveryToken()
        {
            string nuspec = File.ReadAllText(RepoFiles.PathOf(Nuspec));
            string workflow = File.ReadAllText(RepoFiles.PathOf(".github/workflows/nano.yml"));
            Assert.Contains("nuget pack " + Nuspec, workflow);
            foreach (Match t in Regex.Matches(nuspec, @"\$(?<name>[A-Za-z]+)\$"))
            {
                string name = t.Groups["name"].Value;
                bool supplied = name == "version"
                    ? workflow.Contains("-Version ", StringComparison.Ordinal)
                    : workflow.Contains(name + "=", StringComparison.Ordinal);
                Assert.True(supplied, "the nuspec's $" + name + "$ is not supplied by .github/workflows/nano.yml");
            }

            Assert.Contains("msbuild LibNet.Nano/nf/LibNet.Nano.nfproj", workflow);
            Assert.Contains("LibNet.Nano/nf/bin/Release/LibNet.Nano.$ext", workflow);
            Assert.Contains("nanoframework/nanobuild", workflow);
        }
    }
}
