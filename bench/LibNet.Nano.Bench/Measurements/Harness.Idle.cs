using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet.Bench
{
    // CPU an idle adapter with many connections costs.
    internal sealed partial class Harness
    {
        // ---- idle cost -----------------------------------------------------------------------------

        private void Idle()
        {
            int conns = _smoke ? 20 : 100;
            int ms = _smoke ? 500 : 10000;
            int repeats = Math.Min(_repeats, 3);
            List<double> select = new List<double>();
            List<double> sweep = new List<double>();
            List<double> raw = new List<double>();
            List<double> none = new List<double>();
            using (AsyncEchoPeer peer = new AsyncEchoPeer())
            {
                if (!_smoke)
                {
                    // A first pass of each, not counted: the JIT's tiered recompilation runs on
                    // a thread of its own for a while after new code first runs, and would be
                    // billed to whichever figure comes first.
                    IdleLibNet(peer.Port, conns, 1000, false);
                    IdleLibNet(peer.Port, conns, 1000, true);
                    IdleRaw(peer.Port, conns, 1000);
                }

                for (int i = 0; i < repeats; i++)
                {
                    none.Add(IdleCpu(ms, () => { }));
                    select.Add(IdleLibNet(peer.Port, conns, ms, false));
                    sweep.Add(IdleLibNet(peer.Port, conns, ms, true));
                    raw.Add(IdleRaw(peer.Port, conns, ms));
                }
            }

            string what = conns + " idle conns, " + (ms / 1000.0) + " s";
            double r = Stats.Median(raw);
            double s = Stats.Median(select);
            double p = Stats.Median(sweep);
            // "Must not spin": a spinning engine burns a whole core (ms of CPU ≈ ms of wall); 1% of it is the bar.
            _report.Row("idle CPU, " + what + ", Select engine (ms CPU)", Stats.F(s), Stats.F(r), "-", "≤ 1% of a core (" + (ms / 100) + " ms)", s <= ms / 100.0);
            _report.Row("idle CPU, " + what + ", poll sweep engine (ms CPU)", Stats.F(p), Stats.F(r), "-", "no spin (≤ 10% of a core)", p <= ms / 10.0);
            _report.Note("idle: the process with only the peer and no client used " + Stats.F(Stats.Median(none)) + " ms CPU over the same window (included in every idle figure)");
        }

        private static double IdleCpu(int ms, Action during)
        {
            Thread.Sleep(500);
            Dictionary<string, long> t0 = ThreadTicks();
            TimeSpan c0 = Process.GetCurrentProcess().TotalProcessorTime;
            Thread.Sleep(ms);
            TimeSpan c1 = Process.GetCurrentProcess().TotalProcessorTime;
            Dictionary<string, long> t1 = ThreadTicks();
            during();
            if (Environment.GetEnvironmentVariable("BENCH_THREADS") != null)
            {
                foreach (KeyValuePair<string, long> kv in t1)
                {
                    long before;
                    t0.TryGetValue(kv.Key, out before);
                    if (kv.Value - before > 0)
                    {
                        Console.WriteLine("    thread " + kv.Key + ": " + (kv.Value - before) * 10 + " ms");
                    }
                }
            }

            return (c1 - c0).TotalMilliseconds;
        }

        /// <summary>Linux: CPU ticks (utime + stime, 10 ms each) per thread of this process, by "tid name".</summary>
        private static Dictionary<string, long> ThreadTicks()
        {
            Dictionary<string, long> d = new Dictionary<string, long>();
            try
            {
                foreach (string dir in System.IO.Directory.GetDirectories("/proc/self/task"))
                {
                    string stat = System.IO.File.ReadAllText(dir + "/stat");
                    int open = stat.IndexOf('(');
                    int close = stat.LastIndexOf(')');
                    string[] f = stat.Substring(close + 2).Split(' ');
                    d[stat.Substring(0, open).Trim() + " " + stat.Substring(open + 1, close - open - 1)] = long.Parse(f[11]) + long.Parse(f[12]);
                }
            }
            catch (Exception)
            {
                // Not Linux: no per-thread figures.
            }

            return d;
        }

        private static double IdleLibNet(int port, int conns, int ms, bool sweep)
        {
            SocketAdapter adapter = new SocketAdapter(sweep) { BindAddress = Loop.Ip };
            ManualResetEvent ready = new ManualResetEvent(false);
            const int Stop = 1000;
            TaskRun run = TaskRun.Start("idle", me =>
            {
                NetCtrl[] netcs = new NetCtrl[conns];
                for (int i = 0; i < conns; i++)
                {
                    netcs[i] = NetCtrl.Create(adapter, me);
                    netcs[i].Config(0, false, false);
                    Check(LibNet.Connect(me, 10000, netcs[i], Loop.Ip, port), netcs[i], "Connect");
                    bool has;
                    Check(netcs[i].Wait(out has) && !has, netcs[i], "Wait");
                }

                ready.Set();
                TaskMessage msg;
                if (!SysPlus.WaitMsg(me, Stop, 600000, out msg))
                {
                    throw new TimeoutException("no stop message");
                }

                for (int i = 0; i < conns; i++)
                {
                    netcs[i].Release();
                }
            }, conns * 2 + 16);
            if (!ready.WaitOne(120000))
            {
                throw new TimeoutException("idle connections did not come up");
            }

            double cpu = IdleCpu(ms, () => SysPlus.SendMsg(run.Name, Stop, 0));
            run.Join();
            EndAdapter(adapter);
            return cpu;
        }

        private static double IdleRaw(int port, int conns, int ms)
        {
            Socket[] sockets = new Socket[conns];
            Thread[] threads = new Thread[conns];
            for (int i = 0; i < conns; i++)
            {
                Socket s = Loop.Client(port);
                sockets[i] = s;
                threads[i] = new Thread(() =>
                {
                    byte[] b = new byte[16];
                    try
                    {
                        s.Receive(b);
                    }
                    catch (Exception)
                    {
                        // Closed at the end of the measurement.
                    }
                }) { IsBackground = true };
                threads[i].Start();
            }

            double cpu = IdleCpu(ms, () => { });
            foreach (Socket s in sockets)
            {
                s.Close();
            }

            foreach (Thread t in threads)
            {
                t.Join(10000);
            }

            return cpu;
        }
    }
}
