using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace NanoLibNet.Tests.Packaging
{
    /// <summary>
    /// The docs and the tools they name: the documented commands are found and classified by
    /// eng/doc-commands.py (which .ci/run uses to run them), eng/sync-nfproj.py answers --help,
    /// and every RAM figure quoted anywhere is the one docs/ram-budget.md gives.
    /// </summary>
    public class DocsTests : NetTest
    {
        [Fact]
        public void DocumentedCommandsAreFoundAndTheSamplesAreRun()
        {
            int exit = RepoCommand.Run("python3", new[] { "eng/doc-commands.py", "--list" }, 60000, out string output);
            Assert.True(exit == 0, "eng/doc-commands.py --list failed:\n" + output);
            string[] mustRun =
            {
                "dotnet run --project samples/Demo",
                "dotnet run --project samples/TlsClient",
                "dotnet run --project samples/Esp32TcpClient",
                "dotnet run --project samples/Esp32TcpServer",
                "dotnet run --project samples/Esp32Udp",
                "dotnet run --project samples/SelfTest",
                "dotnet run --project eng/gen-api-docs",
            };
            foreach (string c in mustRun)
            {
                Assert.True(output.Contains("RUN   " + c + "    (", StringComparison.Ordinal), "not run as a documented command: " + c + "\n" + output);
            }

            // What is not run is the exception, each with its reason.
            string[] lines = output.Split('\n');
            int run = lines.Count(l => l.StartsWith("RUN ", StringComparison.Ordinal));
            int skipped = lines.Count(l => l.StartsWith("SKIP ", StringComparison.Ordinal));
            Assert.True(run >= mustRun.Length, output);
            Assert.All(lines.Where(l => l.StartsWith("SKIP ", StringComparison.Ordinal)), l => Assert.Matches(@"\(.+:\d+; .+\)$", l));
            Assert.True(skipped > 0, output);
        }

        [Fact]
        public void DocCommandsRejectsACommandHiddenInAnUntaggedBlock()
        {
            // The rule has teeth: the script's --list fails on a command outside a tagged block.
            // (Checked on a copy of the script pointed at a scratch tree, never on the repository.)
            string dir = Path.Combine(Path.GetTempPath(), "libnet-doccmd-" + Guid.NewGuid().ToString("N"));
            try
            {
                Directory.CreateDirectory(Path.Combine(dir, "eng"));
                Directory.CreateDirectory(Path.Combine(dir, "docs"));
                File.Copy(RepoFiles.PathOf("eng/doc-commands.py"), Path.Combine(dir, "eng", "doc-commands.py"));
                File.WriteAllText(Path.Combine(dir, "README.md"), "# x\n\n```\ndotnet run --project samples/Demo\n```\n");
                int exit = RepoCommand.Run("python3", new[] { Path.Combine(dir, "eng", "doc-commands.py"), "--list" }, 60000, out string output);
                Assert.True(exit != 0, output);
                Assert.Contains("untagged code block", output);
            }
            finally
            {
                Directory.Delete(dir, true);
            }
        }

        [Fact]
        public void SyncNfprojAnswersHelpAndFindsTheListUpToDate()
        {
            int exit = RepoCommand.Run("python3", new[] { "eng/sync-nfproj.py", "--help" }, 60000, out string help);
            Assert.True(exit == 0, "eng/sync-nfproj.py --help failed:\n" + help);
            Assert.Contains("usage:", help);
            Assert.Contains("--check", help);

            exit = RepoCommand.Run("python3", new[] { "eng/sync-nfproj.py", "--check" }, 60000, out string check);
            Assert.True(exit == 0, "LibNet.Nano/nf/LibNet.Nano.nfproj is out of date (run: python3 eng/sync-nfproj.py):\n" + check);
        }

        private static readonly (string Name, string Pattern)[] Figures =
        {
            ("netc", @"\bnetc ~(\d+(?:\.\d+)?) KB"),
            ("task", @"\btask ~(\d+(?:\.\d+)?) KB"),
            ("adapter", @"\badapter ~(\d+(?:\.\d+)?) KB"),
            ("slot", @"\b(\d+) bytes (?:per|a) (?:mailbox )?slot"),
        };

        [Fact]
        public void RamFiguresEverywhereAreTheOnesOfRamBudget()
        {
            // docs/ram-budget.md's "In short" table is the source; every quote must agree.
            string budget = File.ReadAllText(RepoFiles.PathOf("docs/ram-budget.md"));
            int at = budget.IndexOf("## In short", StringComparison.Ordinal);
            Assert.True(at >= 0, "docs/ram-budget.md has no '## In short' section");
            string summary = budget.Substring(at, budget.IndexOf("\n## ", at + 1, StringComparison.Ordinal) - at);
            var source = new Dictionary<string, string>();
            foreach (var (name, pattern) in Figures)
            {
                Match m = Regex.Match(summary, pattern);
                Assert.True(m.Success, "docs/ram-budget.md's summary lacks the " + name + " figure (" + pattern + ")");
                source[name] = m.Groups[1].Value;
            }

            var files = new List<string> { "README.md" };
            files.AddRange(Directory.EnumerateFiles(RepoFiles.PathOf("docs"), "*.md").Select(f => Path.GetRelativePath(RepoFiles.Root, f)));
            files.AddRange(RepoFiles.SdkSources(RepoFiles.PathOf("LibNet.Nano")).Select(f => Path.GetRelativePath(RepoFiles.Root, f)));
            var wrong = new List<string>();
            int quotes = 0;
            foreach (string f in files)
            {
                string text = File.ReadAllText(RepoFiles.PathOf(f));
                foreach (var (name, pattern) in Figures)
                {
                    foreach (Match m in Regex.Matches(text, pattern))
                    {
                        quotes++;
                        if (m.Groups[1].Value != source[name])
                        {
                            wrong.Add(f + ": '" + m.Value + "' but docs/ram-budget.md says " + source[name]);
                        }
                    }
                }
            }

            Assert.True(wrong.Count == 0, "RAM figures that disagree with docs/ram-budget.md:\n  " + string.Join("\n  ", wrong));

            // The places users read first quote all three.
            foreach (string f in new[] { "README.md", "docs/getting-started-esp32.md", "docs/performance.md" })
            {
                string text = File.ReadAllText(RepoFiles.PathOf(f));
                foreach (string name in new[] { "netc", "task", "adapter" })
                {
                    Assert.True(Regex.IsMatch(text, Figures.First(x => x.Name == name).Pattern), f + " does not quote the " + name + " figure of docs/ram-budget.md");
                }
            }

            Assert.Matches(Figures.First(x => x.Name == "slot").Pattern, File.ReadAllText(RepoFiles.PathOf("LibNet.Nano/Tasks/SysPlus.cs")));
            Assert.True(quotes >= 12, "only " + quotes + " quotes found: the patterns no longer match the docs");
        }
    }
}
