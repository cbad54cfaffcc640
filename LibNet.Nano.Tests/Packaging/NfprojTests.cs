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
    /// The nanoFramework projects (.nfproj) cannot be built on this machine, so their consistency
    /// is checked here: the library's nfproj compiles exactly the sources the host build compiles,
    /// every nfproj entry exists, and every reference matches its packages.config.
    /// </summary>
    public class NfprojTests : NetTest
    {
        private const string LibraryNfproj = "LibNet.Nano/nf/LibNet.Nano.nfproj";
        private const string LibraryPackages = "LibNet.Nano/nf/packages.config";

        /// <summary>The nano package versions the project is pinned to (NANO-FACTS.md).</summary>
        private static readonly Dictionary<string, string> Pinned = new Dictionary<string, string>
        {
            ["nanoFramework.CoreLibrary"] = "1.17.11",
            ["nanoFramework.Runtime.Events"] = "1.11.37",
            ["nanoFramework.System.Threading"] = "1.1.52",
            ["nanoFramework.System.IO.Streams"] = "1.1.96",
            ["nanoFramework.System.Text"] = "1.3.42",
        };

        public static IEnumerable<object[]> AllNfprojs()
        {
            yield return new object[] { LibraryNfproj };
            foreach (string sample in SampleNfprojs())
            {
                yield return new object[] { sample };
            }
        }

        private static IEnumerable<string> SampleNfprojs()
        {
            return Directory.EnumerateFiles(RepoFiles.PathOf("samples"), "*.nfproj", SearchOption.AllDirectories)
                .Select(p => Path.GetRelativePath(RepoFiles.Root, p).Replace('\\', '/'))
                .OrderBy(p => p, StringComparer.Ordinal);
        }

        /// <summary>samples/X/nf/X.nfproj → samples/X/X.csproj (relative paths, '/').</summary>
        private static string HostTwin(string nfproj)
        {
            string sampleDir = Path.GetDirectoryName(Path.GetDirectoryName(nfproj));
            return (sampleDir + "/" + Path.GetFileNameWithoutExtension(nfproj) + ".csproj").Replace('\\', '/');
        }

        [Fact]
        public void LibraryNfprojListsEverySourceTheHostBuildCompiles()
        {
            string libDir = RepoFiles.PathOf("LibNet.Nano");
            SortedSet<string> sources = RepoFiles.SdkSources(libDir);
            var listed = new HashSet<string>(RepoFiles.CompileItems(LibraryNfproj), StringComparer.Ordinal);

            List<string> missing = sources.Where(s => !listed.Contains(s)).Select(s => Path.GetRelativePath(libDir, s)).ToList();
            Assert.True(missing.Count == 0,
                "LibNet.Nano.nfproj does not compile these sources of LibNet.Nano/ (run: python3 eng/sync-nfproj.py):\n  "
                + string.Join("\n  ", missing));

            List<string> extra = listed.Where(p => p.StartsWith(libDir + Path.DirectorySeparatorChar, StringComparison.Ordinal) && !sources.Contains(p))
                .Select(s => Path.GetRelativePath(libDir, s)).ToList();
            Assert.True(extra.Count == 0,
                "LibNet.Nano.nfproj compiles files under LibNet.Nano/ that the host build does not (run: python3 eng/sync-nfproj.py):\n  "
                + string.Join("\n  ", extra));
        }

        [Theory]
        [MemberData(nameof(AllNfprojs))]
        public void EveryCompileEntryExists(string nfproj)
        {
            List<string> absent = RepoFiles.CompileItems(nfproj).Where(p => !File.Exists(p)).ToList();
            Assert.True(absent.Count == 0, nfproj + " lists files that do not exist:\n  " + string.Join("\n  ", absent));
            Assert.NotEmpty(RepoFiles.CompileItems(nfproj));
        }

        [Theory]
        [MemberData(nameof(AllNfprojs))]
        public void ReferencesMatchPackagesConfig(string nfproj)
        {
            string dir = Path.GetDirectoryName(nfproj).Replace('\\', '/');
            var packages = RepoFiles.PackagesConfig(dir + "/packages.config");
            XDocument doc = RepoFiles.Load(nfproj);
            var referenced = new Dictionary<string, string>();
            foreach (XElement r in doc.Descendants(RepoFiles.MsBuild + "Reference"))
            {
                string hint = (string)r.Element(RepoFiles.MsBuild + "HintPath");
                Assert.False(hint == null, nfproj + ": reference " + (string)r.Attribute("Include") + " has no HintPath");

                // ..\packages\<id>.<version>\lib\<assembly>.dll: the solution-level packages folder.
                Match m = Regex.Match(hint, @"^(?:\.\.\\)+packages\\(?<idver>[^\\]+)\\lib\\(?<dll>[^\\]+)\.dll$");
                Assert.True(m.Success, nfproj + ": unexpected HintPath " + hint);
                string idver = m.Groups["idver"].Value;
                string id = packages.Keys.Where(k => idver.StartsWith(k + ".", StringComparison.Ordinal)).OrderByDescending(k => k.Length).FirstOrDefault();
                Assert.True(id != null, nfproj + ": " + hint + " names no package of packages.config");
                string version = idver.Substring(id.Length + 1);
                Assert.Equal(packages[id].Version, version);

                // Reference "Name, Version=a.b.c.0, ..." must carry the same version.
                Match v = Regex.Match((string)r.Attribute("Include"), @"Version=(?<v>[0-9.]+)");
                Assert.True(v.Success, nfproj + ": reference without a version: " + (string)r.Attribute("Include"));
                Assert.Equal(version + ".0", v.Groups["v"].Value);
                referenced[id] = version;
            }

            List<string> unreferenced = packages.Where(p => !p.Value.Dev && !referenced.ContainsKey(p.Key)).Select(p => p.Key).ToList();
            Assert.True(unreferenced.Count == 0, nfproj + ": packages.config has packages no Reference uses: " + string.Join(", ", unreferenced));
            Assert.Contains(doc.Descendants(RepoFiles.MsBuild + "None"), n => (string)n.Attribute("Include") == "packages.config");
        }

        [Theory]
        [MemberData(nameof(AllNfprojs))]
        public void PackageVersionsArePinnedAndShared(string nfproj)
        {
            string dir = Path.GetDirectoryName(nfproj).Replace('\\', '/');
            var packages = RepoFiles.PackagesConfig(dir + "/packages.config");
            var library = RepoFiles.PackagesConfig(LibraryPackages);
            foreach (var p in packages)
            {
                if (Pinned.TryGetValue(p.Key, out string pinned))
                {
                    Assert.True(pinned == p.Value.Version, nfproj + ": " + p.Key + " " + p.Value.Version + ", pinned to " + pinned);
                }

                // A sample deploys together with the library: one version of each assembly.
                if (library.TryGetValue(p.Key, out var lib))
                {
                    Assert.True(lib.Version == p.Value.Version, nfproj + ": " + p.Key + " " + p.Value.Version + " but the library uses " + lib.Version);
                }
            }

            Assert.True(packages.ContainsKey("nanoFramework.CoreLibrary"), nfproj + ": no nanoFramework.CoreLibrary");
            Assert.True(packages.ContainsKey("nanoFramework.System.Net"), nfproj + ": no nanoFramework.System.Net");
            Assert.Matches(@"^1\.11\.[0-9]+$", packages["nanoFramework.System.Net"].Version);
        }

        [Theory]
        [MemberData(nameof(AllNfprojs))]
        public void NanoSettings(string nfproj)
        {
            XDocument doc = RepoFiles.Load(nfproj);
            Assert.Equal("10", RepoFiles.Property(doc, "LangVersion"));
            Assert.Contains("NANOFRAMEWORK_1_0", RepoFiles.Property(doc, "DefineConstants") ?? string.Empty);
            Assert.Equal("v1.0", RepoFiles.Property(doc, "TargetFrameworkVersion"));
            Assert.Contains("{11A8DD76-328B-46DF-9F39-F559912D0360}", RepoFiles.Property(doc, "ProjectTypeGuids") ?? string.Empty);
            string[] imports = doc.Root.Elements(RepoFiles.MsBuild + "Import").Select(i => (string)i.Attribute("Project")).ToArray();
            Assert.Contains("$(NanoFrameworkProjectSystemPath)NFProjectSystem.Default.props", imports);
            Assert.Contains("$(NanoFrameworkProjectSystemPath)NFProjectSystem.props", imports);
            Assert.Contains("$(NanoFrameworkProjectSystemPath)NFProjectSystem.CSharp.targets", imports);
        }

        [Fact]
        public void LibraryNfprojBuildsTheDocumentedLibrary()
        {
            XDocument doc = RepoFiles.Load(LibraryNfproj);
            Assert.Equal("Library", RepoFiles.Property(doc, "OutputType"));
            Assert.Equal("LibNet.Nano", RepoFiles.Property(doc, "AssemblyName"));
            Assert.Equal("NanoLibNet", RepoFiles.Property(doc, "RootNamespace"));
            Assert.Equal(@"bin\$(Configuration)\LibNet.Nano.xml", RepoFiles.Property(doc, "DocumentationFile"));
        }

        [Fact]
        public void SampleNfprojsCompileTheHostSamplesLogicButNoHostOnlyFile()
        {
            foreach (string nfproj in SampleNfprojs())
            {
                // samples/X/nf/X.nfproj and its host twin samples/X/X.csproj.
                string dir = Path.GetDirectoryName(Path.GetDirectoryName(RepoFiles.PathOf(nfproj)));
                string csproj = Path.Combine(dir, Path.GetFileNameWithoutExtension(nfproj) + ".csproj");
                Assert.True(File.Exists(csproj), nfproj + " has no host twin " + Path.GetFileName(csproj));
                var nano = new HashSet<string>(RepoFiles.CompileItems(nfproj));
                XDocument host = XDocument.Load(csproj);
                var hostItems = host.Descendants("Compile").Select(c => RepoFiles.Resolve(dir, (string)c.Attribute("Include"))).ToList();

                // Shared: every file of the host build but its entry point and the loopback peers.
                List<string> shared = hostItems.Where(p => !p.EndsWith(".Host.cs", StringComparison.Ordinal) && !p.EndsWith("HostPeers.cs", StringComparison.Ordinal)).ToList();
                Assert.NotEmpty(shared);
                foreach (string s in shared)
                {
                    Assert.True(nano.Contains(s), nfproj + " does not compile " + Path.GetFileName(s) + ", which its host twin does");
                }

                Assert.DoesNotContain(nano, p => p.EndsWith(".Host.cs", StringComparison.Ordinal) || p.EndsWith("HostPeers.cs", StringComparison.Ordinal));
                Assert.DoesNotContain(hostItems, p => p.EndsWith(".Device.cs", StringComparison.Ordinal) || p.EndsWith("WifiSetup.cs", StringComparison.Ordinal));
                Assert.Contains(nano, p => p.EndsWith("Program.Device.cs", StringComparison.Ordinal));
                Assert.Contains(RepoFiles.Load(nfproj).Descendants(RepoFiles.MsBuild + "ProjectReference"),
                    r => ((string)r.Attribute("Include")).EndsWith(@"LibNet.Nano\nf\LibNet.Nano.nfproj", StringComparison.Ordinal));
            }
        }

        [Fact]
        public void SamplesNanoCheckCompilesExactlyTheSampleNfprojsSources()
        {
            // eng/nano/Samples.NanoCheck.csproj is the compile check of the samples' device
            // sources against nano's mscorlib: it must cover every file a sample .nfproj compiles.
            var nano = new SortedSet<string>(SampleNfprojs().SelectMany(RepoFiles.CompileItems), StringComparer.Ordinal);
            string samplesDir = RepoFiles.PathOf("samples");
            var check = new SortedSet<string>(
                RepoFiles.Load("eng/nano/Samples.NanoCheck.csproj").Descendants("Compile")
                    .Select(c => (string)c.Attribute("Include"))
                    .Where(i => i.StartsWith("$(SamplesDir)", StringComparison.Ordinal))
                    .Select(i => RepoFiles.Resolve(samplesDir, i.Substring("$(SamplesDir)".Length))),
                StringComparer.Ordinal);
            Assert.True(nano.SetEquals(check),
                "eng/nano/Samples.NanoCheck.csproj must compile exactly the sample .nfproj sources.\n  missing: "
                + string.Join(", ", nano.Except(check).Select(p => Path.GetRelativePath(samplesDir, p)))
                + "\n  extra: " + string.Join(", ", check.Except(nano).Select(p => Path.GetRelativePath(samplesDir, p))));
        }

        [Fact]
        public void SolutionsListEveryProject()
        {
            string host = File.ReadAllText(RepoFiles.PathOf("nanoLibNet.sln"));
            Assert.Contains(@"LibNet.Nano\LibNet.Nano.csproj", host);
            Assert.Contains(@"LibNet.Nano.Tests\LibNet.Nano.Tests.csproj", host);
            foreach (string nfproj in SampleNfprojs())
            {
                string csproj = HostTwin(nfproj).Replace('/', '\\');
                Assert.True(host.Contains(csproj, StringComparison.Ordinal), "nanoLibNet.sln lacks " + csproj);
            }

            Assert.DoesNotContain(".nfproj", host);

            string device = File.ReadAllText(RepoFiles.PathOf("nanoLibNet.Device.sln"));
            Assert.Contains(@"LibNet.Nano\nf\LibNet.Nano.nfproj", device);
            foreach (string nfproj in SampleNfprojs())
            {
                Assert.True(device.Contains(nfproj.Replace('/', '\\'), StringComparison.Ordinal), "nanoLibNet.Device.sln lacks " + nfproj);
            }
        }
    }
}
