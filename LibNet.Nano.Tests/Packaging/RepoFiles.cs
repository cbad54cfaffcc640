using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Xml.Linq;

namespace NanoLibNet.Tests.Packaging
{
    /// <summary>Paths and XML of the repository's packaging files, for the packaging tests.</summary>
    internal static class RepoFiles
    {
        public static readonly XNamespace MsBuild = "http://schemas.microsoft.com/developer/msbuild/2003";

        private static string s_root;

        /// <summary>
        /// The repository root: the first folder holding nanoLibNet.sln above the test binaries,
        /// else above this source file (builds with an artifacts path put the binaries elsewhere),
        /// else above the current directory.
        /// </summary>
        public static string Root
        {
            get
            {
                if (s_root == null)
                {
                    s_root = Above(AppContext.BaseDirectory) ?? Above(Path.GetDirectoryName(ThisFile())) ?? Above(Directory.GetCurrentDirectory())
                        ?? throw new InvalidOperationException("nanoLibNet.sln not found above " + AppContext.BaseDirectory + " nor " + ThisFile());
                }

                return s_root;
            }
        }

        private static string ThisFile([CallerFilePath] string path = "")
        {
            return path;
        }

        private static string Above(string dir)
        {
            while (!string.IsNullOrEmpty(dir) && !File.Exists(Path.Combine(dir, "nanoLibNet.sln")))
            {
                dir = Path.GetDirectoryName(dir.TrimEnd(Path.DirectorySeparatorChar));
            }

            return string.IsNullOrEmpty(dir) ? null : dir;
        }

        public static string PathOf(string relative)
        {
            return Path.Combine(Root, relative.Replace('\\', Path.DirectorySeparatorChar).Replace('/', Path.DirectorySeparatorChar));
        }

        public static XDocument Load(string relative)
        {
            return XDocument.Load(PathOf(relative));
        }

        /// <summary>A Windows-style relative path (as MSBuild files hold them) made absolute and normalised against <paramref name="baseDir"/>.</summary>
        public static string Resolve(string baseDir, string include)
        {
            return Path.GetFullPath(Path.Combine(baseDir, include.Replace('\\', Path.DirectorySeparatorChar)));
        }

        /// <summary>packages.config as id → (version, developmentDependency).</summary>
        public static Dictionary<string, (string Version, bool Dev)> PackagesConfig(string relative)
        {
            return Load(relative).Root.Elements("package").ToDictionary(
                p => (string)p.Attribute("id"),
                p => ((string)p.Attribute("version"), string.Equals((string)p.Attribute("developmentDependency"), "true", StringComparison.OrdinalIgnoreCase)));
        }

        /// <summary>Every .cs under <paramref name="projectDir"/> that an SDK-style project there compiles (bin/, obj/ and the nanoFramework project's nf/ aside), as full paths.</summary>
        public static SortedSet<string> SdkSources(string projectDir)
        {
            var set = new SortedSet<string>(StringComparer.Ordinal);
            foreach (string f in Directory.EnumerateFiles(projectDir, "*.cs", SearchOption.AllDirectories))
            {
                string rel = Path.GetRelativePath(projectDir, f);
                string first = rel.Split(Path.DirectorySeparatorChar)[0];
                if (first == "bin" || first == "obj" || first == "nf")
                {
                    continue;
                }

                set.Add(Path.GetFullPath(f));
            }

            return set;
        }

        /// <summary>The Compile items of a non-SDK project, as full paths.</summary>
        public static List<string> CompileItems(string nfprojRelative)
        {
            string dir = Path.GetDirectoryName(PathOf(nfprojRelative));
            return Load(nfprojRelative).Descendants(MsBuild + "Compile")
                .Select(c => Resolve(dir, (string)c.Attribute("Include")))
                .ToList();
        }

        /// <summary>The first value of an MSBuild property in a project.</summary>
        public static string Property(XDocument project, string name)
        {
            return project.Descendants(MsBuild + name).Select(e => e.Value).FirstOrDefault();
        }
    }
}
