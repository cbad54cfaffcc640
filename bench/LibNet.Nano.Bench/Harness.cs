using System;
using System.Collections.Generic;
using System.Diagnostics;

namespace NanoLibNet.Bench
{
    /// <summary>
    /// The measurements BenchmarkDotNet is not made for: many connections, many threads, CPU over
    /// time, wall-clock overshoot. Each LibNet figure is measured next to raw blocking System.Net
    /// in the same run, each repeated <c>repeats</c> times (median quoted). <c>smoke</c> runs all
    /// of them with tiny sizes, to prove they work (CI), not to measure.
    /// </summary>
    internal sealed partial class Harness
    {
        private readonly bool _smoke;
        private readonly int _repeats;
        private readonly Report _report;

        internal Harness(bool smoke, int repeats)
        {
            _smoke = smoke;
            _report = new Report(smoke);
            _repeats = smoke ? 1 : repeats;
        }

        internal static readonly string[] All = { "echo", "alloc", "bulk", "scale", "timeout", "idle", "footprint" };

        /// <summary>Runs the named measurements (all when none); returns the number that threw.</summary>
        internal int Run(IList<string> only)
        {
            int errors = 0;
            foreach (string name in All)
            {
                if (only.Count > 0 && !only.Contains(name))
                {
                    continue;
                }

                Console.WriteLine();
                Console.WriteLine("== " + name + (_smoke ? " (smoke sizes)" : " (" + _repeats + " runs, median)"));
                Stopwatch sw = Stopwatch.StartNew();
                try
                {
                    switch (name)
                    {
                        case "echo": Echo(); break;
                        case "alloc": Alloc(); break;
                        case "bulk": Bulk(); break;
                        case "scale": Scale(); break;
                        case "timeout": Timeouts(); break;
                        case "idle": Idle(); break;
                        case "footprint": Footprint(); break;
                    }
                }
                catch (Exception ex)
                {
                    errors++;
                    Console.WriteLine("  ERROR in " + name + ": " + ex);
                }

                Console.WriteLine("  (" + name + " took " + sw.ElapsedMilliseconds + " ms)");
            }

            _report.Print();
            return errors;
        }

        // ---- helpers -------------------------------------------------------------------------------

        private static void Check(bool ok, NetCtrl netc, string what)
        {
            if (!ok)
            {
                throw new InvalidOperationException(what + " failed: state " + netc.State + ", error " + netc.LastError + " " + netc.LastErrorMessage);
            }
        }

        /// <summary>Waits until the adapter has nothing left (no engine, worker or socket): runs must not overlap.</summary>
        internal static void EndAdapter(NetAdapter adapter)
        {
            if (!adapter.WaitIdle(15000))
            {
                throw new TimeoutException("adapter " + adapter.Name + " still busy: sockets " + adapter.SocketCount + ", handles " + adapter.OpenHandles + ", threads " + adapter.ThreadCount);
            }
        }
    }
}
