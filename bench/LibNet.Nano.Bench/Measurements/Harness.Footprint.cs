using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet.Bench
{
    // Managed bytes a netc, a task and a mailbox cost on the host.
    internal sealed partial class Harness
    {
        // ---- footprint -----------------------------------------------------------------------------

        private void Footprint()
        {
            int n = _smoke ? 10 : 100;
            SocketAdapter adapter = new SocketAdapter { BindAddress = Loop.Ip };
            ManualResetEvent stop = new ManualResetEvent(false);
            TaskRun owner = TaskRun.Start("fp", me => stop.WaitOne(600000), 16);
            NetCtrl first = NetCtrl.Create(adapter, owner.Name);
            first.Config(0, false, false);
            List<NetCtrl> made = new List<NetCtrl>(4 * n);
            made.Add(first);

            double created = PerNetc(adapter, owner.Name, n, made, 0, 0);
            double defaults = PerNetc(adapter, owner.Name, n, made, NetCtrl.DefaultBufferSize, NetCtrl.DefaultBufferSize);
            double small = PerNetc(adapter, owner.Name, n, made, 512, 512);
            double large = PerNetc(adapter, owner.Name, n, made, 4096, 4096);
            foreach (NetCtrl c in made)
            {
                c.Release();
            }

            stop.Set();
            owner.Join();
            EndAdapter(adapter);

            long m16 = Allocated(() => new Mailbox(16));
            long m64 = Allocated(() => new Mailbox(64));
            double slot = (m64 - m16) / 48.0;
            ManualResetEvent stop2 = new ManualResetEvent(false);
            long t0 = GC.GetAllocatedBytesForCurrentThread();
            TaskRun t = TaskRun.Start("fp2", me => stop2.WaitOne(600000));
            long task = GC.GetAllocatedBytesForCurrentThread() - t0;
            stop2.Set();
            t.Join();

            double connected = ConnectedBytes(_smoke ? 5 : 50);
            double workerManaged;
            double workerRssKb = WorkerCost(_smoke ? 5 : 50, out workerManaged);

            _report.Row("footprint: NetCtrl.Create, no rings yet (B, host)", Stats.F(created, 0), "-", "-", "-", null);
            _report.Row("footprint: NetCtrl at default settings (Create + Config, 2 × 1536 B rings) (B, host)", Stats.F(defaults, 0), "-", "-", "-", null);
            _report.Row("footprint: NetCtrl with 512/512 rings (B, host)", Stats.F(small, 0), "-", "-", "-", null);
            _report.Row("footprint: NetCtrl with 4096/4096 rings (B, host)", Stats.F(large, 0), "-", "-", "-", null);
            _report.Row("footprint: task mailbox, 16 slots (default) (B, host)", m16.ToString(), "-", "-", "-", null);
            _report.Row("footprint: each further mailbox slot (B, host)", Stats.F(slot, 0), "-", "-", "-", null);
            _report.Row("footprint: whole task via TaskInitEx, mailbox 16 (B, host, excl. native stack)", task.ToString(), "-", "-", "-", null);
            _report.Row("footprint: retained per connected netc incl. Socket (B, host, GC.GetTotalMemory)", Stats.F(connected, 0), "-", "-", "-", null);
            _report.Row("footprint: a connect under way, managed (transport + ConnectJob + Thread) (B, host)", Stats.F(workerManaged, 0), "-", "-", "-", null);
            _report.Row("footprint: a connect worker while its connect runs, resident memory incl. native stack (KB, host, VmRSS)", Stats.F(workerRssKb, 1), "-", "-", "-", null);
        }

        /// <summary>
        /// What one connect worker costs while it runs: <paramref name="n"/> netcs connect to a peer
        /// that never answers (each connect then holds its worker, blocked in Socket.Connect). Per
        /// connect: the managed bytes NetCtrl.Connect allocates (its transport, the ConnectJob, the
        /// Thread and what starting it takes), and the growth of the process's resident memory
        /// (native stacks included).
        /// </summary>
        private static double WorkerCost(int n, out double managedPerWorker)
        {
            SocketAdapter adapter = new SocketAdapter { BindAddress = Loop.Ip };
            ManualResetEvent stop = new ManualResetEvent(false);
            TaskRun owner = TaskRun.Start("fpw", me => stop.WaitOne(600000), 16);
            NetCtrl[] netcs = new NetCtrl[n];
            double rss;
            using (StalledListener dead = new StalledListener())
            {
                for (int i = 0; i < n; i++)
                {
                    netcs[i] = NetCtrl.Create(adapter, owner.Name);
                }

                // One first, so the engine's own start is not counted.
                bool c0;
                netcs[0].Connect(Loop.Ip, dead.Port, out c0);
                SpinWait.SpinUntil(() => adapter.ThreadCount == 2, 10000);
                GC.Collect();
                GC.WaitForPendingFinalizers();
                long rss0 = ResidentKb();
                long a0 = GC.GetAllocatedBytesForCurrentThread();
                for (int i = 1; i < n; i++)
                {
                    bool c;
                    netcs[i].Connect(Loop.Ip, dead.Port, out c);
                }

                long a1 = GC.GetAllocatedBytesForCurrentThread();
                SpinWait.SpinUntil(() => adapter.ThreadCount == n + 1, 10000);
                long rss1 = ResidentKb();
                rss = (double)(rss1 - rss0) / (n - 1);

                managedPerWorker = (double)(a1 - a0) / (n - 1);
            }

            foreach (NetCtrl c in netcs)
            {
                c.Release();
            }

            stop.Set();
            owner.Join();
            EndAdapter(adapter);
            return rss;
        }

        private static long ResidentKb()
        {
            foreach (string line in System.IO.File.ReadAllLines("/proc/self/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    return long.Parse(line.Substring(6).Trim().Split(' ')[0]);
                }
            }

            return 0;
        }

        private static double PerNetc(NetAdapter adapter, string owner, int n, List<NetCtrl> made, int rx, int tx)
        {
            NetCtrl[] batch = new NetCtrl[n];
            long b0 = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < n; i++)
            {
                NetCtrl c = NetCtrl.Create(adapter, owner);
                if (rx > 0)
                {
                    c.Config(0, false, false, 0, 0, 0, null, null, null, null, rx, tx);
                }

                batch[i] = c;
            }

            long b1 = GC.GetAllocatedBytesForCurrentThread();
            made.AddRange(batch);
            return (double)(b1 - b0) / n;
        }

        private static long Allocated(Func<object> make)
        {
            long b0 = GC.GetAllocatedBytesForCurrentThread();
            object o = make();
            long b1 = GC.GetAllocatedBytesForCurrentThread();
            GC.KeepAlive(o);
            return b1 - b0;
        }

        /// <summary>Managed bytes still held per connected netc (its Socket included), to a listener that never accepts (so the peer allocates nothing).</summary>
        private static double ConnectedBytes(int n)
        {
            SocketAdapter adapter = new SocketAdapter { BindAddress = Loop.Ip };
            Socket listener = Loop.Listener(n + 8);
            int port = Loop.PortOf(listener);
            ManualResetEvent go = new ManualResetEvent(false);
            ManualResetEvent created = new ManualResetEvent(false);
            ManualResetEvent connected = new ManualResetEvent(false);
            ManualResetEvent measured = new ManualResetEvent(false);
            NetCtrl[] netcs = new NetCtrl[n];
            TaskRun run = TaskRun.Start("fpc", me =>
            {
                for (int i = 0; i < n; i++)
                {
                    netcs[i] = NetCtrl.Create(adapter, me);
                    netcs[i].Config(0, false, false);
                }

                created.Set();
                go.WaitOne(60000);
                for (int i = 0; i < n; i++)
                {
                    Check(LibNet.Connect(me, 10000, netcs[i], Loop.Ip, port), netcs[i], "Connect");
                }

                connected.Set();
                measured.WaitOne(60000);
                for (int i = 0; i < n; i++)
                {
                    netcs[i].Release();
                }
            }, n * 2 + 16);
            created.WaitOne(60000);
            long before = GC.GetTotalMemory(true);
            go.Set();
            connected.WaitOne(60000);

            // Let the connect workers finish and end, so only what the connections hold is left.
            Thread.Sleep(200);
            long after = GC.GetTotalMemory(true);
            measured.Set();
            run.Join();
            EndAdapter(adapter);
            listener.Close();
            return (double)(after - before) / n;
        }
    }
}
