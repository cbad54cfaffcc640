using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace NanoLibNet.Tests.Packaging
{
    /// <summary>
    /// The layout rule: no folder holds two project files (with a .csproj and an .nfproj side by
    /// side, <c>dotnet run --project &lt;folder&gt;</c> and <c>dotnet add reference &lt;folder&gt;</c>
    /// fail with "Specify which project file to use"). A nanoFramework project lives in the nf/
    /// subfolder of its project's folder, and the host build there leaves nf/ alone.
    /// </summary>
    public class LayoutTests : NetTest
    {
        private static readonly string[] Skipped = { ".git", "bin", "obj", "TestResults", "BenchmarkDotNet.Artifacts", "packages" };

        // eng/nano holds the three compile-check projects of eng/nano-check.sh, which share its
        // Directory.Build.props and are only ever built by file name; no command names the folder.
        private static readonly string[] SharedOnPurpose = { "eng/nano" };

        private static IEnumerable<string> Folders(string dir)
        {
            yield return dir;
            foreach (string d in Directory.EnumerateDirectories(dir))
            {
                if (Array.IndexOf(Skipped, Path.GetFileName(d)) >= 0)
                {
                    continue;
                }

                foreach (string f in Folders(d))
                {
                    yield return f;
                }
            }
        }

        private static string[] ProjectFiles(string dir)
        {
            return Directory.EnumerateFiles(dir).Where(f => f.EndsWith("proj", StringComparison.Ordinal) && Path.GetExtension(f).Length > 4).ToArray();
        }

        [Fact]
        public void NoFolderHoldsTwoProjectFiles()
        {
            List<string> crowded = Folders(RepoFiles.Root)
                .Where(d => ProjectFiles(d).Length > 1 && Array.IndexOf(SharedOnPurpose, Path.GetRelativePath(RepoFiles.Root, d).Replace('\\', '/')) < 0)
                .Select(d => Path.GetRelativePath(RepoFiles.Root, d) + ": " + string.Join(", ", ProjectFiles(d).Select(Path.GetFileName)))
                .ToList();
            Assert.True(crowded.Count == 0, "folders with more than one project file (move the .nfproj into nf/):\n  " + string.Join("\n  ", crowded));
        }

        [Fact]
        public void EveryNfprojLivesInNfBesideItsHostProject()
        {
            List<string> nfprojs = Folders(RepoFiles.Root).SelectMany(d => Directory.EnumerateFiles(d, "*.nfproj")).ToList();
            Assert.NotEmpty(nfprojs);
            foreach (string nfproj in nfprojs)
            {
                string dir = Path.GetDirectoryName(nfproj);
                string rel = Path.GetRelativePath(RepoFiles.Root, nfproj);
                Assert.True(Path.GetFileName(dir) == "nf", rel + " is not in an nf/ folder");
                Assert.True(File.Exists(Path.Combine(dir, "packages.config")), rel + " has no packages.config beside it");
                string host = Path.Combine(Path.GetDirectoryName(dir), Path.GetFileNameWithoutExtension(nfproj) + ".csproj");
                Assert.True(File.Exists(host), rel + " has no host project " + Path.GetRelativePath(RepoFiles.Root, host));
            }
        }

        [Fact]
        public void LibraryHostBuildTakesNothingFromNf()
        {
            // What MSBuild itself makes of the host project's globs: nothing of nf/ (the nano
            // project, its packages.config, and the bin/ and obj/ a nano build leaves there).
            int exit = RepoCommand.Run("dotnet", new[] { "msbuild", "LibNet.Nano/LibNet.Nano.csproj", "-nologo", "-getItem:Compile", "-getItem:None", "-getItem:Content", "-getItem:EmbeddedResource" }, 120000, out string output);
            Assert.True(exit == 0, "dotnet msbuild -getItem failed:\n" + output);
            string json = output.Substring(output.IndexOf('{'));
            List<string> items = new List<string>();
            using (JsonDocument doc = JsonDocument.Parse(json))
            {
                foreach (JsonProperty kind in doc.RootElement.GetProperty("Items").EnumerateObject())
                {
                    foreach (JsonElement item in kind.Value.EnumerateArray())
                    {
                        items.Add(kind.Name + " " + item.GetProperty("Identity").GetString().Replace('\\', '/'));
                    }
                }
            }

            Assert.Contains(items, i => i == "Compile Tasks/SysPlus.cs");
            List<string> fromNf = items.Where(i => i.Split(' ')[1].StartsWith("nf/", StringComparison.Ordinal)).ToList();
            Assert.True(fromNf.Count == 0, "LibNet.Nano.csproj takes files from nf/:\n  " + string.Join("\n  ", fromNf));
        }
    }
}
