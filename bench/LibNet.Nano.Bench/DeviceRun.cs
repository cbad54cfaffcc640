using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace NanoLibNet.Bench
{
    /// <summary>
    /// <c>--device</c>: LibNet on the nanoCLR interpreter (../shared/nanovm), side by side with raw
    /// nano sockets in the same run. It builds bench/LibNet.Nano.DeviceBench (nano C#) against
    /// nanovm's real nano assemblies, plays its loopback peers (an echo peer, and a control
    /// connection that marks the idle phases), runs it with <c>nanovm run</c> and measures the
    /// interpreter's CPU over each idle phase (Linux /proc). Each echo figure is the median of the
    /// app's passes (7, interleaved raw and LibNet).
    /// </summary>
    internal static class DeviceRun
    {
        private const int EchoPort = 47311;
        private const int ControlPort = 47312;

        internal static int Run(Report report)
        {
            string root = RepoRoot();
            string nanovm = Environment.GetEnvironmentVariable("NANOVM_DIR");
            if (string.IsNullOrEmpty(nanovm))
            {
                nanovm = Path.GetFullPath(Path.Combine(root, "..", "shared", "nanovm"));
            }

            if (!File.Exists(Path.Combine(nanovm, "nanovm")))
            {
                Console.WriteLine("device: no nanovm at " + nanovm + " (set NANOVM_DIR): the device benchmark needs the nanoCLR interpreter");
                return 1;
            }

            string proj = Path.Combine(root, "bench", "LibNet.Nano.DeviceBench", "LibNet.Nano.DeviceBench.csproj");
            Console.WriteLine("device: building " + Path.GetRelativePath(root, proj));
            if (Exec("dotnet", "build \"" + proj + "\" -c Release -nologo -v q -p:NanoVmDir=\"" + nanovm + "/\"", root, null) != 0)
            {
                Console.WriteLine("device: the build failed");
                return 1;
            }

            string app = Path.Combine(root, "bench", "LibNet.Nano.DeviceBench", "bin", "Release", "LibNet.Nano.DeviceBench.dll");
            string lib = Path.Combine(root, "eng", "nano", "bin", "LibNet.Nano.NanoVm", "Release", "LibNet.Nano.dll");
            Dictionary<string, double> cpu = new Dictionary<string, double>();
            StringBuilder output = new StringBuilder();
            using (ThreadedEchoPeer echo = new ThreadedEchoPeer(EchoPort))
            using (Socket control = Loop.Listener(4, ControlPort))
            {
                Thread marks = new Thread(() => Marks(control, cpu)) { IsBackground = true, Name = "device-marks" };
                marks.Start();
                Console.WriteLine("device: running it on the nanoCLR (" + nanovm + ")");
                int rc = Exec("bash", "\"" + Path.Combine(nanovm, "nanovm") + "\" run \"" + app + "\" \"" + lib + "\"", root, output);
                if (rc != 0 || !output.ToString().Contains("RESULT done"))
                {
                    Console.WriteLine(output.ToString());
                    Console.WriteLine("device: the run failed (exit " + rc + ")");
                    return 1;
                }

                marks.Join(5000);
            }

            Dictionary<string, Dictionary<string, long>> results = Parse(output.ToString());
            foreach (int size in new[] { 64, 1024 })
            {
                Dictionary<string, long> r = results["echo" + size];
                double raw = r["raw_ticks"] / 10.0;
                double lib64 = r["libnet_ticks"] / 10.0;
                report.Row("nanoCLR echo round trip " + size + " B, LibNet vs raw nano sockets (µs, median of 7 passes)", Stats.F(lib64), Stats.F(raw), Stats.F(lib64 / raw, 2), "≤ 5", lib64 / raw <= 5);
            }

            double first = results["firstbyte"]["ticks"] / 10000.0;
            report.Row("nanoCLR first byte after 1 s idle, task in LibNet.Wait (ms, median of 5)", Stats.F(first, 2), "-", "-", "≤ 2", first <= 2);
            // Whole-interpreter CPU over each idle phase; the floor (nothing running) and the raw
            // phases are the interpreter's own share, which no library can go below.
            double floor, rawIdle, rawOpen;
            cpu.TryGetValue("idle-floor", out floor);
            cpu.TryGetValue("idle-raw", out rawIdle);
            cpu.TryGetValue("idle-raw-open", out rawOpen);
            report.Row("nanoCLR idle CPU, the interpreter's floor: one thread asleep, no socket (% of a core)", Stats.F(floor, 2), "-", "-", "-", null);
            foreach (string phase in new[] { "idle-waiting", "idle-open" })
            {
                double c;
                if (cpu.TryGetValue(phase, out c))
                {
                    bool waiting = phase == "idle-waiting";
                    string what = waiting ? "8 idle connections, a task blocked in LibNet.Wait on each (raw: a thread blocked in Poll on each)" : "8 idle connections held open, no task waiting (raw: 8 sockets open, nobody polling)";
                    report.Row("nanoCLR idle CPU, " + what + " (% of a core, whole interpreter)", Stats.F(c, 2), Stats.F(waiting ? rawIdle : rawOpen, 2), "-", "≤ 1", c <= 1);
                    report.Row("nanoCLR idle CPU, the same above the floor (% of a core)", Stats.F(c - floor, 2), Stats.F((waiting ? rawIdle : rawOpen) - floor, 2), "-", "≤ 1", c - floor <= 1);
                }
            }

            return 0;
        }

        /// <summary>The control connection: "x-start"/"x-end" lines; the interpreter's CPU between them, as % of one core.</summary>
        private static void Marks(Socket control, Dictionary<string, double> cpu)
        {
            try
            {
                using (Socket c = control.Accept())
                using (StreamReader r = new StreamReader(new NetworkStream(c), Encoding.ASCII))
                {
                    long ticks0 = 0;
                    Stopwatch sw = new Stopwatch();
                    string line;
                    byte[] ack = new byte[] { (byte)'k' };
                    while ((line = r.ReadLine()) != null)
                    {
                        if (line.EndsWith("-start", StringComparison.Ordinal))
                        {
                            ticks0 = CpuTicks();
                            sw.Restart();
                        }
                        else if (line.EndsWith("-end", StringComparison.Ordinal))
                        {
                            long ticks = CpuTicks() - ticks0;
                            lock (cpu)
                            {
                                cpu[line.Substring(0, line.Length - 4)] = 100.0 * ticks * 10 / sw.ElapsedMilliseconds;
                            }
                        }

                        c.Send(ack);
                    }
                }
            }
            catch (Exception ex)
            {
                Console.WriteLine("device: control connection: " + ex.Message);
            }
        }

        /// <summary>utime + stime of the nanoCLR process (clock ticks of 10 ms).</summary>
        private static long CpuTicks()
        {
            // By command line: the kernel's process name keeps only 15 characters of it.
            foreach (string dir in Directory.GetDirectories("/proc"))
            {
                string cmd;
                try
                {
                    cmd = File.ReadAllText(Path.Combine(dir, "cmdline"));
                }
                catch (Exception)
                {
                    continue;
                }

                if (!cmd.StartsWith("/", StringComparison.Ordinal) || !cmd.Split('\0')[0].EndsWith("nanoFramework.nanoCLR.test", StringComparison.Ordinal))
                {
                    continue;
                }

                string stat = File.ReadAllText(Path.Combine(dir, "stat"));
                string[] f = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
                return long.Parse(f[11]) + long.Parse(f[12]);
            }

            throw new InvalidOperationException("no nanoCLR process to measure");
        }

        private static Dictionary<string, Dictionary<string, long>> Parse(string output)
        {
            Dictionary<string, Dictionary<string, long>> all = new Dictionary<string, Dictionary<string, long>>();
            foreach (string line in output.Split('\n'))
            {
                if (!line.StartsWith("RESULT ", StringComparison.Ordinal))
                {
                    continue;
                }

                string[] parts = line.Trim().Split(' ');
                Dictionary<string, long> kv = new Dictionary<string, long>();
                for (int i = 2; i < parts.Length; i++)
                {
                    string[] p = parts[i].Split('=');
                    kv[p[0]] = long.Parse(p[1]);
                }

                all[parts[1]] = kv;
            }

            return all;
        }

        private static int Exec(string file, string args, string dir, StringBuilder output)
        {
            ProcessStartInfo psi = new ProcessStartInfo(file, args)
            {
                WorkingDirectory = dir,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using (Process p = Process.Start(psi))
            {
                p.OutputDataReceived += (s, e) =>
                {
                    if (e.Data != null)
                    {
                        Console.WriteLine("  | " + e.Data);
                        output?.AppendLine(e.Data);
                    }
                };
                p.ErrorDataReceived += (s, e) =>
                {
                    if (e.Data != null)
                    {
                        Console.WriteLine("  ! " + e.Data);
                    }
                };
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
                p.WaitForExit();
                return p.ExitCode;
            }
        }

        private static string RepoRoot()
        {
            string d = AppContext.BaseDirectory;
            while (d != null && !File.Exists(Path.Combine(d, "nanoLibNet.sln")))
            {
                d = Path.GetDirectoryName(d.TrimEnd(Path.DirectorySeparatorChar));
            }

            return d ?? Directory.GetCurrentDirectory();
        }
    }
}
