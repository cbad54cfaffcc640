using System;
using System.Diagnostics;
using System.Text;

namespace NanoLibNet.Tests.Packaging
{
    /// <summary>Runs a tool of the repository (python3, dotnet) from its root, bounded; output collected.</summary>
    internal static class RepoCommand
    {
        /// <summary>Runs <paramref name="file"/> with <paramref name="args"/>; returns its exit code (fails the test after <paramref name="timeoutMs"/>).</summary>
        public static int Run(string file, string[] args, int timeoutMs, out string output)
        {
            var psi = new ProcessStartInfo(file)
            {
                WorkingDirectory = RepoFiles.Root,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            };
            foreach (string a in args)
            {
                psi.ArgumentList.Add(a);
            }

            psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
            psi.Environment["DOTNET_NOLOGO"] = "1";
            var text = new StringBuilder();
            using (var p = new Process { StartInfo = psi })
            {
                p.OutputDataReceived += (s, e) => Append(text, e.Data);
                p.ErrorDataReceived += (s, e) => Append(text, e.Data);
                try
                {
                    p.Start();
                }
                catch (System.ComponentModel.Win32Exception ex)
                {
                    throw new InvalidOperationException(file + " could not be started (" + ex.Message + "); it must be on PATH", ex);
                }

                p.StandardInput.Close();
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
                if (!p.WaitForExit(timeoutMs))
                {
                    p.Kill(true);
                    p.WaitForExit(5000);
                    throw new Xunit.Sdk.XunitException(file + " " + string.Join(" ", args) + " did not finish in " + timeoutMs + " ms:\n" + Text(text));
                }

                p.WaitForExit();
                output = Text(text);
                return p.ExitCode;
            }
        }

        private static void Append(StringBuilder text, string line)
        {
            if (line != null)
            {
                lock (text)
                {
                    text.Append(line).Append('\n');
                }
            }
        }

        private static string Text(StringBuilder text)
        {
            lock (text)
            {
                return text.ToString();
            }
        }
    }
}
