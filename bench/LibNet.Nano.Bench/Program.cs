using System;
using System.Collections.Generic;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace NanoLibNet.Bench
{
    /// <summary>
    /// LibNet.Nano benchmarks (docs/performance.md has the figures and the commands):
    /// <list type="bullet">
    /// <item>no argument or <c>--bdn</c>: BenchmarkDotNet echo round trip, LibNet vs raw (ShortRun, in-process).</item>
    /// <item><c>--harness [echo|alloc|bulk|scale|timeout|idle|footprint ...] [--repeats N]</c>: the harness measurements.</item>
    /// <item><c>--smoke</c>: every harness measurement with tiny sizes (CI); exits non-zero only if one throws.</item>
    /// <item><c>--device</c>: LibNet against raw nano sockets on the nanoCLR interpreter (needs ../shared/nanovm).</item>
    /// </list>
    /// </summary>
    public static class Program
    {
        public static int Main(string[] args)
        {
            bool smoke = false;
            bool harness = false;
            int repeats = 3;
            List<string> only = new List<string>();
            for (int i = 0; i < args.Length; i++)
            {
                string a = args[i];
                if (a == "--smoke")
                {
                    smoke = true;
                }
                else if (a == "--harness")
                {
                    harness = true;
                }
                else if (a == "--device")
                {
                    Report device = new Report(false);
                    int rc = DeviceRun.Run(device);
                    device.Print();
                    return rc;
                }
                else if (a == "--bdn")
                {
                    // The default.
                }
                else if (a == "--repeats" && i + 1 < args.Length)
                {
                    repeats = int.Parse(args[++i]);
                }
                else if (Array.IndexOf(Harness.All, a) >= 0)
                {
                    only.Add(a);
                }
                else
                {
                    Console.Error.WriteLine("unknown argument '" + a + "'; use --bdn, --harness [" + string.Join("|", Harness.All) + " ...] [--repeats N], or --smoke");
                    return 2;
                }
            }

            Console.WriteLine("machine: " + Environment.ProcessorCount + " logical CPUs, " + CpuModel() + ", " + System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription + ", " + System.Runtime.InteropServices.RuntimeInformation.OSDescription);
            if (smoke || harness)
            {
                int errors = 0;
                if (smoke)
                {
                    errors += SmokeEchoBenchmarks();
                }

                errors += new Harness(smoke, repeats).Run(only);
                Console.WriteLine(errors == 0 ? "harness: all measurements ran" : "harness: " + errors + " measurement(s) failed");
                return errors == 0 ? 0 : 1;
            }

            Job job = Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance);
            IConfig config = DefaultConfig.Instance.AddJob(job).AddDiagnoser(MemoryDiagnoser.Default);
            BenchmarkRunner.Run<EchoBenchmarks>(config);
            return 0;
        }

        /// <summary>Runs the BenchmarkDotNet class's methods once each, without BenchmarkDotNet, to prove they work.</summary>
        private static int SmokeEchoBenchmarks()
        {
            Console.WriteLine();
            Console.WriteLine("== EchoBenchmarks (one invocation each, no BenchmarkDotNet)");
            try
            {
                foreach (int size in new[] { 64, 1024 })
                {
                    EchoBenchmarks b = new EchoBenchmarks { Size = size };
                    b.Setup();
                    b.Raw();
                    b.LibNetTask();
                    b.Cleanup();
                }

                Console.WriteLine("  ok");
                return 0;
            }
            catch (Exception ex)
            {
                Console.WriteLine("  ERROR: " + ex);
                return 1;
            }
        }

        private static string CpuModel()
        {
            try
            {
                foreach (string line in System.IO.File.ReadAllLines("/proc/cpuinfo"))
                {
                    if (line.StartsWith("model name", StringComparison.Ordinal))
                    {
                        return line.Substring(line.IndexOf(':') + 1).Trim();
                    }
                }
            }
            catch (Exception)
            {
                // Not Linux: the model is not shown.
            }

            return "CPU model unknown";
        }
    }
}
