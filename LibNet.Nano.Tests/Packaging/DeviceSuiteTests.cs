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
    /// The on-device test suite has two builds of the same sources: the SDK project at the top of
    /// LibNet.Nano.Tests.Device (Linux, against ../shared/nanovm, run by eng/device-tests.sh) and
    /// nf/LibNet.Nano.Tests.Device.nfproj (Visual Studio and the Windows workflow, run by the
    /// nanoFramework test adapter). The nfproj cannot be built here, so this keeps the two in
    /// agreement: same sources, same assembly, references matching packages.config, the
    /// run settings for the virtual device and for a board, and the test PKI the TLS tests compile in.
    /// </summary>
    public class DeviceSuiteTests : NetTest
    {
        private const string Dir = "LibNet.Nano.Tests.Device";
        private const string Csproj = Dir + "/LibNet.Nano.Tests.Device.csproj";
        private const string Nfproj = Dir + "/nf/LibNet.Nano.Tests.Device.nfproj";
        private const string PackagesConfig = Dir + "/nf/packages.config";

        /// <summary>The TestFramework the suite is written against: the one in ../shared/nanovm.</summary>
        private const string TestFrameworkVersion = "3.0.77";

        /// <summary>Every .cs of the suite the SDK build compiles (bin/, obj/ and nf/ aside), as full paths.</summary>
        private static SortedSet<string> SuiteSources()
        {
            string dir = RepoFiles.PathOf(Dir);
            var set = new SortedSet<string>(StringComparer.Ordinal);
            foreach (string f in RepoFiles.SdkSources(dir))
            {
                if (!Path.GetRelativePath(dir, f).StartsWith("nf" + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    set.Add(f);
                }
            }

            return set;
        }

        [Fact]
        public void NfprojCompilesExactlyTheSuitesSources()
        {
            SortedSet<string> sources = SuiteSources();
            Assert.True(sources.Count >= 10, "the suite has " + sources.Count + " sources?");
            var listed = new SortedSet<string>(RepoFiles.CompileItems(Nfproj), StringComparer.Ordinal);
            string dir = RepoFiles.PathOf(Dir);
            List<string> missing = sources.Where(s => !listed.Contains(s)).ToList();
            List<string> extra = listed.Where(s => !sources.Contains(s)).ToList();
            Assert.True(missing.Count == 0 && extra.Count == 0,
                Nfproj + " must compile exactly the suite's sources. Missing: "
                + string.Join(", ", missing.Select(s => Path.GetRelativePath(dir, s)))
                + "; extra: " + string.Join(", ", extra.Select(s => Path.GetRelativePath(dir, s)))
                + ". Its Compile list should read:\n"
                + string.Join("\n", sources.Select(s => "    <Compile Include=\"..\\" + Path.GetRelativePath(dir, s).Replace('/', '\\') + "\" />")));
        }

        [Fact]
        public void BothBuildsMakeTheTestLibraryTheLauncherLoads()
        {
            XDocument nf = RepoFiles.Load(Nfproj);
            Assert.Equal("NFUnitTest", RepoFiles.Property(nf, "AssemblyName"));
            Assert.Equal("Library", RepoFiles.Property(nf, "OutputType"));
            Assert.Equal("true", RepoFiles.Property(nf, "IsTestProject"));
            Assert.Equal("UnitTest", RepoFiles.Property(nf, "TestProjectType"));
            Assert.Equal("10", RepoFiles.Property(nf, "LangVersion"));
            Assert.Equal("v1.0", RepoFiles.Property(nf, "TargetFrameworkVersion"));
            Assert.Contains("NANOFRAMEWORK_1_0", RepoFiles.Property(nf, "DefineConstants") ?? string.Empty);
            Assert.Contains("{11A8DD76-328B-46DF-9F39-F559912D0360}", RepoFiles.Property(nf, "ProjectTypeGuids") ?? string.Empty);
            Assert.Contains(nf.Descendants(RepoFiles.MsBuild + "ProjectCapability"), c => (string)c.Attribute("Include") == "TestContainer");
            Assert.Equal(@"$(MSBuildProjectDirectory)\nano.runsettings", RepoFiles.Property(nf, "RunSettingsFilePath"));

            XDocument sdk = XDocument.Load(RepoFiles.PathOf(Csproj));
            Assert.Equal("NFUnitTest", sdk.Descendants("AssemblyName").Single().Value);
            Assert.Equal("Library", sdk.Descendants("OutputType").Single().Value);
        }

        /// <summary>The projects the suite tests (LibNet.Nano, and LibNet.Nano.Mqtt in Mqtt/), as their nfproj file names.</summary>
        private static readonly string[] TestedNfprojs = { "LibNet.Nano.Mqtt.nfproj", "LibNet.Nano.nfproj" };

        [Fact]
        public void NfprojReferencesTheLibraryProjectsAndPackagesConfig()
        {
            XDocument nf = RepoFiles.Load(Nfproj);
            string nfDir = Path.GetDirectoryName(RepoFiles.PathOf(Nfproj));
            string[] refs = nf.Descendants(RepoFiles.MsBuild + "ProjectReference").Select(r => RepoFiles.Resolve(nfDir, (string)r.Attribute("Include"))).ToArray();
            foreach (string r in refs)
            {
                Assert.True(File.Exists(r), Nfproj + " references " + r + ", which does not exist");
            }

            Assert.Equal(TestedNfprojs, refs.Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray());

            // The Linux build (eng/device-tests.sh) tests the same two libraries, built against nanovm.
            XDocument sdk = XDocument.Load(RepoFiles.PathOf(Csproj));
            string[] sdkRefs = sdk.Descendants("ProjectReference").Select(r => Path.GetFileName((string)r.Attribute("Include"))).OrderBy(n => n, StringComparer.Ordinal).ToArray();
            Assert.Equal(new[] { "LibNet.Nano.Mqtt.NanoVm.csproj", "LibNet.Nano.NanoVm.csproj" }, sdkRefs);

            var packages = RepoFiles.PackagesConfig(PackagesConfig);
            foreach (XElement r in nf.Descendants(RepoFiles.MsBuild + "Reference"))
            {
                string hint = (string)r.Element(RepoFiles.MsBuild + "HintPath");
                Match m = Regex.Match(hint ?? string.Empty, @"^\.\.\\\.\.\\packages\\(?<idver>[^\\]+)\\lib\\[^\\]+\.(dll|exe)$");
                Assert.True(m.Success, Nfproj + ": unexpected HintPath " + hint + " (the solution's packages folder is two levels up)");
                string idver = m.Groups["idver"].Value;
                string id = packages.Keys.Where(k => idver.StartsWith(k + ".", StringComparison.Ordinal)).OrderByDescending(k => k.Length).FirstOrDefault();
                Assert.True(id != null, hint + " names no package of " + PackagesConfig);
                Assert.Equal(packages[id].Version, idver.Substring(id.Length + 1));
            }

            foreach (var p in packages)
            {
                Assert.True(nf.Descendants(RepoFiles.MsBuild + "HintPath").Any(h => h.Value.Contains(@"\packages\" + p.Key + "." + p.Value.Version + @"\", StringComparison.Ordinal)),
                    PackagesConfig + ": " + p.Key + " " + p.Value.Version + " is referenced by no HintPath");

                // Deployed together with the libraries: one version of each assembly.
                foreach (string lib in refs)
                {
                    var library = RepoFiles.PackagesConfig(Path.GetRelativePath(RepoFiles.Root, Path.Combine(Path.GetDirectoryName(lib), "packages.config")));
                    if (library.TryGetValue(p.Key, out var lv))
                    {
                        Assert.True(lv.Version == p.Value.Version, p.Key + " " + p.Value.Version + " but " + Path.GetFileName(lib) + " uses " + lv.Version);
                    }
                }
            }

            Assert.Equal(TestFrameworkVersion, packages["nanoFramework.TestFramework"].Version);
            Assert.True(packages["nanoFramework.TestFramework"].Dev, "the TestFramework is a development dependency");
            Assert.True(packages.ContainsKey("nanoFramework.Runtime.Native"), "the footprint test needs nanoFramework.Runtime.Native (GC.Run)");
            string[] none = nf.Descendants(RepoFiles.MsBuild + "None").Select(n => (string)n.Attribute("Include")).ToArray();
            Assert.Contains("packages.config", none);
            Assert.Contains("nano.runsettings", none);
            Assert.Contains("nano.board.runsettings", none);
        }

        [Theory]
        [InlineData("nano.runsettings", "False")]
        [InlineData("nano.board.runsettings", "True")]
        public void RunSettingsSelectTheVirtualDeviceOrABoard(string file, string isRealHardware)
        {
            XDocument rs = RepoFiles.Load(Dir + "/nf/" + file);
            XElement adapter = rs.Root.Element("nanoFrameworkAdapter");
            Assert.True(adapter != null, file + " has no nanoFrameworkAdapter section");
            Assert.Equal(isRealHardware, (string)adapter.Element("IsRealHardware"));
            XElement run = rs.Root.Element("RunConfiguration");
            Assert.Equal("net48", (string)run.Element("TargetFrameworkVersion"));
            Assert.Equal("1", (string)run.Element("MaxCpuCount"));
            Assert.True(int.Parse((string)run.Element("TestSessionTimeout")) >= 300000, file + ": the suite needs minutes on a device");
        }

        [Fact]
        public void DeviceSolutionListsTheSuite()
        {
            string device = File.ReadAllText(RepoFiles.PathOf("nanoLibNet.Device.sln"));
            Assert.Contains(@"LibNet.Nano.Tests.Device\nf\LibNet.Nano.Tests.Device.nfproj", device);
            string host = File.ReadAllText(RepoFiles.PathOf("nanoLibNet.sln"));
            Assert.DoesNotContain("LibNet.Nano.Tests.Device", host);
        }

        [Fact]
        public void TlsCertsCompiledInMatchTheCertificateFiles()
        {
            string cs = File.ReadAllText(RepoFiles.PathOf(Dir + "/Tls/TlsCerts.cs"));
            var consts = new Dictionary<string, string>
            {
                ["Ca"] = "ca.pem",
                ["OtherCa"] = "otherca.pem",
                ["ServerCert"] = "server.pem",
                ["ServerKey"] = "server.key",
            };
            foreach (var c in consts)
            {
                Match m = Regex.Match(cs, "public const string " + c.Key + @" =\s*(?<body>(\s*""[^""]*""\s*\+?)+);");
                Assert.True(m.Success, "TlsCerts." + c.Key + " not found");
                string text = string.Concat(Regex.Matches(m.Groups["body"].Value, "\"(?<s>[^\"]*)\"").Select(x => x.Groups["s"].Value)).Replace("\\n", "\n");
                string file = File.ReadAllText(RepoFiles.PathOf(Dir + "/Tls/certs/" + c.Value));
                Assert.True(file == text, "TlsCerts." + c.Key + " differs from Tls/certs/" + c.Value + ": run bash eng/device-pki.sh");
            }
        }
    }
}
