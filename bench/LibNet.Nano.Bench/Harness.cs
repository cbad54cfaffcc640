using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet.Bench
{
    /// <summary>
    /// The measurements BenchmarkDotNet is not made for: many connections, many threads, CPU over
    /// time, wall-clock overshoot. Each LibNet figure is measured next to raw blocking System.Net
    /// in the same run, each repeated <c>repeats</c> times (median quoted). <c>smoke</c> runs all
    /// of them with tiny sizes, to prove they work (CI), not to measure.
    /// </summary>
    internal sealed class Harness
    {
        private readonly bool _smoke;
        private readonly int _repeats;
        private readonly Report _report = new Report();

        internal Harness(bool smoke, int repeats)
        {
            _smoke = smoke;
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

        // ---- echo round trip (cross-check of the BenchmarkDotNet figure) -------------------------

        private void Echo()
        {
            int cycles = _smoke ? 200 : 20000;
            using (ThreadedEchoPeer peer = new ThreadedEchoPeer())
            {
                foreach (int size in new[] { 64, 1024 })
                {
                    SocketAdapter adapter = new SocketAdapter { BindAddress = Loop.Ip };
                    List<double> lib = new List<double>();
                    List<double> raw = new List<double>();
                    using (LibNetEchoClient l = new LibNetEchoClient(adapter, peer.Port, size))
                    using (RawEchoClient r = new RawEchoClient(peer.Port, size))
                    {
                        l.Run(cycles / 10);
                        r.Run(cycles / 10);
                        l.TxTicks = 0;
                        l.RxTicks = 0;
                        for (int i = 0; i < _repeats; i++)
                        {
                            raw.Add(TimePerOp(r, cycles));
                            lib.Add(TimePerOp(l, cycles));
                        }

                        double n = (double)cycles * _repeats;
                        _report.Note("echo " + size + " B: LibNet round trip = " + Stats.F(Stats.TicksToMicros(l.TxTicks) / n) + " µs in LibNet.Tx (queue, engine sends, TxOk back) + " + Stats.F(Stats.TicksToMicros(l.RxTicks) / n) + " µs in LibNet.Wait + Rx (mean)");
                    }

                    EndAdapter(adapter);
                    if (size == 64)
                    {
                        List<double> hop = new List<double>();
                        for (int i = 0; i < _repeats; i++)
                        {
                            hop.Add(HandOff(cycles));
                        }

                        _report.Note("thread hand-off (AutoResetEvent ping-pong between two threads, two wake-ups): " + Stats.F(Stats.Median(hop)) + " µs per round trip on this machine now");
                    }

                    double ratio = Stats.Median(lib) / Stats.Median(raw);
                    _report.Row("echo round trip " + size + " B (µs, harness)", Stats.F(Stats.Median(lib)), Stats.F(Stats.Median(raw)), Stats.F(ratio, 2), "≤ 1.25", ratio <= 1.25);

                    // The device's engine path (Poll sweep + sleep on a kick event), run on the host.
                    SocketAdapter sweepAdapter = new SocketAdapter(true) { BindAddress = Loop.Ip };
                    List<double> sweep = new List<double>();
                    using (LibNetEchoClient l = new LibNetEchoClient(sweepAdapter, peer.Port, size))
                    {
                        l.Run(cycles / 10);
                        for (int i = 0; i < _repeats; i++)
                        {
                            sweep.Add(TimePerOp(l, cycles));
                        }
                    }

                    EndAdapter(sweepAdapter);
                    if (size == 1024)
                    {
                        // Rings of 2048 B: a 1 KB message never straddles the ring's end, so it
                        // always leaves in one Send (with 1536 B, every other one is split in two).
                        SocketAdapter evenAdapter = new SocketAdapter { BindAddress = Loop.Ip };
                        List<double> even = new List<double>();
                        using (LibNetEchoClient l = new LibNetEchoClient(evenAdapter, peer.Port, size, 2048))
                        {
                            l.Run(cycles / 10);
                            for (int i = 0; i < _repeats; i++)
                            {
                                even.Add(TimePerOp(l, cycles));
                            }
                        }

                        EndAdapter(evenAdapter);
                        double er = Stats.Median(even) / Stats.Median(raw);
                        _report.Row("echo round trip 1024 B, 2048 B rings (no wrap) (µs, harness)", Stats.F(Stats.Median(even)), Stats.F(Stats.Median(raw)), Stats.F(er, 2), "≤ 1.25", er <= 1.25);
                    }

                    double sr = Stats.Median(sweep) / Stats.Median(raw);
                    _report.Row("echo round trip " + size + " B, poll-sweep engine (device path) (µs, harness)", Stats.F(Stats.Median(sweep)), Stats.F(Stats.Median(raw)), Stats.F(sr, 2), "≤ 1.25", sr <= 1.25);
                }
            }
        }

        /// <summary>The floor under any engine design: two threads passing a turn back and forth through AutoResetEvents (µs per round trip, i.e. two wake-ups).</summary>
        private static double HandOff(int cycles)
        {
            AutoResetEvent ping = new AutoResetEvent(false);
            AutoResetEvent pong = new AutoResetEvent(false);
            Thread t = new Thread(() =>
            {
                for (int i = 0; i < cycles; i++)
                {
                    ping.WaitOne();
                    pong.Set();
                }
            }) { IsBackground = true };
            t.Start();
            long t0 = Stopwatch.GetTimestamp();
            for (int i = 0; i < cycles; i++)
            {
                ping.Set();
                pong.WaitOne();
            }

            double us = Stats.TicksToMicros(Stopwatch.GetTimestamp() - t0) / cycles;
            t.Join();
            return us;
        }

        private static double TimePerOp(EchoClient c, int cycles)
        {
            long t0 = Stopwatch.GetTimestamp();
            c.Run(cycles);
            return Stats.TicksToMicros(Stopwatch.GetTimestamp() - t0) / cycles;
        }

        // ---- allocation per steady-state cycle ---------------------------------------------------

        private void Alloc()
        {
            int warm = _smoke ? 200 : 5000;
            int cycles = _smoke ? 500 : 50000;
            using (ThreadedEchoPeer peer = new ThreadedEchoPeer())
            {
                foreach (bool sweep in new[] { false, true })
                {
                    List<double> lib = new List<double>();
                    List<double> raw = new List<double>();
                    long events = 0;
                    long messages = 0;
                    long totalLib = 0;
                    SocketAdapter adapter = new SocketAdapter(sweep) { BindAddress = Loop.Ip };
                    using (LibNetEchoClient l = new LibNetEchoClient(adapter, peer.Port, 64))
                    using (RawEchoClient r = new RawEchoClient(peer.Port, 64))
                    {
                        l.Run(warm);
                        r.Run(warm);
                        Mailbox box = SysPlus.Find(l.TaskName).Mailbox;
                        for (int i = 0; i < _repeats; i++)
                        {
                            int e0 = l.Netc.EventsPosted;
                            int m0 = box.Posted;
                            long a0 = GC.GetTotalAllocatedBytes(true);
                            l.Run(cycles);
                            long a1 = GC.GetTotalAllocatedBytes(true);
                            events = l.Netc.EventsPosted - e0;
                            messages = box.Posted - m0;
                            totalLib = a1 - a0;
                            lib.Add((double)(a1 - a0) / cycles);

                            a0 = GC.GetTotalAllocatedBytes(true);
                            r.Run(cycles);
                            a1 = GC.GetTotalAllocatedBytes(true);
                            raw.Add((double)(a1 - a0) / cycles);
                        }
                    }

                    EndAdapter(adapter);
                    double perCycle = Stats.Median(lib);
                    string which = sweep ? "poll sweep (device path)" : "Select (desktop path)";
                    _report.Row("allocated per Tx/Wait/Rx cycle, " + which + " (B, all threads)", Stats.F(perCycle, 2), Stats.F(Stats.Median(raw), 2), "-", "0", perCycle < 0.01);
                    _report.Note("alloc " + which + ": last run " + totalLib + " B over " + cycles + " cycles, " + events + " events posted (" + Stats.F(events > 0 ? (double)totalLib / events : 0, 3) + " B/event), " + messages + " mailbox messages (" + Stats.F(messages > 0 ? (double)totalLib / messages : 0, 3) + " B/message)");
                }
            }
        }

        // ---- bulk throughput ---------------------------------------------------------------------

        private void Bulk()
        {
            long total = _smoke ? 1L << 20 : 64L << 20;
            using (SinkPeer sink = new SinkPeer(total))
            {
                foreach (int write in new[] { 1024, 16384 })
                {
                    List<double> raw = new List<double>();
                    List<double> blocking = new List<double>();
                    List<double> pipelined = new List<double>();
                    for (int i = 0; i < _repeats; i++)
                    {
                        raw.Add(BulkRaw(sink.Port, total, write));
                        blocking.Add(BulkLibNet(sink.Port, total, write, false));
                        pipelined.Add(BulkLibNet(sink.Port, total, write, true));
                    }

                    double r = Stats.Median(raw);
                    double b = Stats.Median(blocking);
                    double p = Stats.Median(pipelined);
                    string mb = (total >> 20) + " MB";
                    _report.Row("bulk " + mb + ", " + write + " B writes, LibNet.Tx each (MB/s)", Stats.F(b), Stats.F(r), Stats.F(b / r, 2), "≥ 0.85", b / r >= 0.85);
                    _report.Row("bulk " + mb + ", " + write + " B writes, NetCtrl.Tx until full, then TxOk (MB/s)", Stats.F(p), Stats.F(r), Stats.F(p / r, 2), "≥ 0.85", p / r >= 0.85);
                }
            }
        }

        private static double BulkRaw(int port, long total, int write)
        {
            byte[] data = new byte[write];
            byte[] ack = new byte[1];
            using (Socket s = Loop.Client(port))
            {
                long t0 = Stopwatch.GetTimestamp();
                for (long sent = 0; sent < total; sent += write)
                {
                    Loop.SendAll(s, data, 0, write);
                }

                Loop.ReceiveExactly(s, ack, 1);
                return total / Stats.TicksToMicros(Stopwatch.GetTimestamp() - t0);
            }
        }

        /// <summary>LibNet bulk: each write through the blocking <c>LibNet.Tx</c>, or (pipelined) through <c>NetCtrl.Tx</c>, waiting for TxOk only when the send ring is full.</summary>
        private static double BulkLibNet(int port, long total, int write, bool pipelined)
        {
            SocketAdapter adapter = new SocketAdapter { BindAddress = Loop.Ip };
            double mbps = 0;
            TaskRun run = TaskRun.Start("bulk", me =>
            {
                byte[] data = new byte[write];
                byte[] ack = new byte[1];
                NetCtrl netc = NetCtrl.Create(adapter, me);
                netc.Config(0, false, false, 0, 0, 0, null, null, null, null, NetCtrl.DefaultBufferSize, NetCtrl.MaxBufferSize);
                Check(LibNet.Connect(me, 10000, netc, Loop.Ip, port), netc, "Connect");
                long t0 = Stopwatch.GetTimestamp();
                for (long sent = 0; sent < total; sent += write)
                {
                    bool full;
                    if (!pipelined)
                    {
                        Check(LibNet.Tx(me, 10000, netc, data, 0, write, out full) && !full, netc, "LibNet.Tx");
                        continue;
                    }

                    while (true)
                    {
                        bool done;
                        Check(netc.Tx(data, 0, write, out full, out done), netc, "NetCtrl.Tx");
                        if (!full)
                        {
                            break;
                        }

                        TaskMessage msg;
                        Check(SysPlus.WaitMsg(me, SocketEvent.TxOk, 10000, out msg) && msg.Param == 0, netc, "TxOk");
                    }
                }

                int got = 0;
                while (got == 0)
                {
                    bool ev;
                    Check(LibNet.Wait(me, 10000, netc, out ev) && ev, netc, "Wait for the ack");
                    netc.Rx(ack, 0, 1, out got);
                }

                mbps = total / Stats.TicksToMicros(Stopwatch.GetTimestamp() - t0);
                LibNet.Close(me, 5000, netc);
                netc.Release();
            });
            run.Join();
            EndAdapter(adapter);
            return mbps;
        }

        // ---- scale: many connections -------------------------------------------------------------

        private void Scale()
        {
            int conns = _smoke ? 16 : 256;
            int ms = _smoke ? 500 : 5000;
            const int size = 64;
            List<double> libRate = new List<double>();
            List<double> rawRate = new List<double>();
            List<double> libP50 = new List<double>();
            List<double> libP99 = new List<double>();
            List<double> rawP50 = new List<double>();
            List<double> rawP99 = new List<double>();
            int libThreads = 0;
            int rawThreads = 0;
            int libProcThreads = 0;
            int rawProcThreads = 0;
            using (AsyncEchoPeer peer = new AsyncEchoPeer())
            {
                for (int i = 0; i < _repeats; i++)
                {
                    ScaleResult l = ScaleLibNet(peer.Port, conns, ms, size);
                    ScaleResult r = ScaleRaw(peer.Port, conns, ms, size);
                    libRate.Add(l.RoundTripsPerSecond);
                    rawRate.Add(r.RoundTripsPerSecond);
                    libP50.Add(l.P50);
                    libP99.Add(l.P99);
                    rawP50.Add(r.P50);
                    rawP99.Add(r.P99);
                    libThreads = l.Threads;
                    rawThreads = r.Threads;
                    libProcThreads = l.ProcessThreads;
                    rawProcThreads = r.ProcessThreads;
                }
            }

            string c = conns + " conns";
            double lr = Stats.Median(libRate);
            double rr = Stats.Median(rawRate);
            _report.Row("scale " + c + ": round trips/s (64 B)", Stats.F(lr, 0), Stats.F(rr, 0), Stats.F(lr / rr, 2), "-", null);
            _report.Row("scale " + c + ": client threads (tasks + engine + workers | one per conn)", libThreads.ToString(), rawThreads.ToString(), "-", "-", null);
            _report.Row("scale " + c + ": process threads (incl. peer and runtime)", libProcThreads.ToString(), rawProcThreads.ToString(), "-", "-", null);
            _report.Row("scale " + c + ": round-trip latency p50 (µs)", Stats.F(Stats.Median(libP50)), Stats.F(Stats.Median(rawP50)), Stats.F(Stats.Median(libP50) / Stats.Median(rawP50), 2), "-", null);
            _report.Row("scale " + c + ": round-trip latency p99 (µs)", Stats.F(Stats.Median(libP99)), Stats.F(Stats.Median(rawP99)), Stats.F(Stats.Median(libP99) / Stats.Median(rawP99), 2), "-", null);
        }

        private sealed class ScaleResult
        {
            internal double RoundTripsPerSecond;
            internal double P50;
            internal double P99;
            internal int Threads;
            internal int ProcessThreads;
        }

        /// <summary>One task drives every connection: Tx, arm Wait, then react to Event messages (Source says which netc).</summary>
        private static ScaleResult ScaleLibNet(int port, int conns, int ms, int size)
        {
            SocketAdapter adapter = new SocketAdapter { BindAddress = Loop.Ip };
            ScaleResult result = new ScaleResult();
            long[] samples = new long[1 << 20];
            int sampleCount = 0;
            long roundTrips = 0;
            long elapsed = 0;
            ManualResetEvent measuring = new ManualResetEvent(false);
            ManualResetEvent counted = new ManualResetEvent(false);
            TaskRun run = TaskRun.Start("scale", me =>
            {
                byte[] data = new byte[size];
                byte[] buf = new byte[size];
                NetCtrl[] netcs = new NetCtrl[conns];
                Dictionary<NetCtrl, int> index = new Dictionary<NetCtrl, int>();
                long[] sentAt = new long[conns];
                int[] got = new int[conns];
                for (int i = 0; i < conns; i++)
                {
                    netcs[i] = NetCtrl.Create(adapter, me);
                    netcs[i].Config(0, false, false);
                    Check(LibNet.Connect(me, 10000, netcs[i], Loop.Ip, port), netcs[i], "Connect");
                    index[netcs[i]] = i;
                }

                long start = Stopwatch.GetTimestamp();
                long end = start + ms * Stopwatch.Frequency / 1000;
                try
                {
                    for (int i = 0; i < conns; i++)
                    {
                        if (SendNext(netcs[i], data, sentAt, got, i))
                        {
                            roundTrips += Serve(netcs[i], i, buf, data, sentAt, got, samples, ref sampleCount);
                        }
                    }

                    measuring.Set();
                    while (Stopwatch.GetTimestamp() < end)
                    {
                        TaskMessage msg;
                        if (!SysPlus.WaitMsg(me, 1000, out msg))
                        {
                            throw new InvalidOperationException("no event for 1 s with " + conns + " connections busy");
                        }

                        if (msg.Id != SocketEvent.Event)
                        {
                            continue;
                        }

                        NetCtrl n = (NetCtrl)msg.Source;
                        Check(msg.Param == 0, n, "Event");
                        int k = index[n];
                        roundTrips += Serve(n, k, buf, data, sentAt, got, samples, ref sampleCount);
                    }

                    elapsed = Stopwatch.GetTimestamp() - start;
                }
                finally
                {
                    measuring.Set();
                    counted.Set();
                    for (int i = 0; i < conns; i++)
                    {
                        if (netcs[i] != null)
                        {
                            netcs[i].Release();
                        }
                    }
                }
            }, conns * 4 + 16);

            measuring.WaitOne(120000);
            counted.WaitOne(Math.Min(ms / 2, 1000));
            result.Threads = SysPlus.ThreadCount + adapter.ThreadCount;
            result.ProcessThreads = Process.GetCurrentProcess().Threads.Count;
            counted.WaitOne(120000);
            run.Join();
            EndAdapter(adapter);
            result.RoundTripsPerSecond = roundTrips / (Stats.TicksToMs(elapsed) / 1000.0);
            List<double> lat = new List<double>(sampleCount);
            for (int i = 0; i < sampleCount; i++)
            {
                lat.Add(Stats.TicksToMicros(samples[i]));
            }

            result.P50 = Stats.Percentile(lat, 50);
            result.P99 = Stats.Percentile(lat, 99);
            return result;
        }

        /// <summary>Reads what has come for connection k; on a whole reply, records it and sends the next request. Returns replies completed.</summary>
        private static int Serve(NetCtrl n, int k, byte[] buf, byte[] data, long[] sentAt, int[] got, long[] samples, ref int sampleCount)
        {
            int completed = 0;
            while (true)
            {
                int read;
                Check(n.Rx(buf, 0, data.Length - got[k], out read), n, "Rx");
                got[k] += read;
                bool has;
                if (got[k] == data.Length)
                {
                    long t = Stopwatch.GetTimestamp();
                    if (sampleCount < samples.Length)
                    {
                        samples[sampleCount++] = t - sentAt[k];
                    }

                    completed++;
                    has = SendNext(n, data, sentAt, got, k);
                }
                else
                {
                    Check(n.Wait(out has), n, "Wait");
                }

                if (!has)
                {
                    return completed;
                }
            }
        }

        /// <summary>Sends the next request on connection k and arms its Event; true when reply bytes are already waiting.</summary>
        private static bool SendNext(NetCtrl n, byte[] data, long[] sentAt, int[] got, int k)
        {
            bool full;
            bool done;
            got[k] = 0;
            sentAt[k] = Stopwatch.GetTimestamp();
            Check(n.Tx(data, 0, data.Length, out full, out done) && !full, n, "Tx");
            bool has;
            Check(n.Wait(out has), n, "Wait");
            return has;
        }

        /// <summary>One blocking thread per connection: Send, Receive, repeat.</summary>
        private static ScaleResult ScaleRaw(int port, int conns, int ms, int size)
        {
            ScaleResult result = new ScaleResult();
            int per = (1 << 20) / conns;
            long[][] samples = new long[conns][];
            int[] counts = new int[conns];
            long[] trips = new long[conns];
            Socket[] sockets = new Socket[conns];
            Exception fault = null;
            for (int i = 0; i < conns; i++)
            {
                sockets[i] = Loop.Client(port);
                samples[i] = new long[per];
            }

            Barrier gate = new Barrier(conns + 1);
            long endAt = 0;
            Thread[] threads = new Thread[conns];
            for (int i = 0; i < conns; i++)
            {
                int k = i;
                threads[i] = new Thread(() =>
                {
                    byte[] data = new byte[size];
                    byte[] buf = new byte[size];
                    Socket s = sockets[k];
                    gate.SignalAndWait();
                    try
                    {
                        while (Stopwatch.GetTimestamp() < Volatile.Read(ref endAt))
                        {
                            long t0 = Stopwatch.GetTimestamp();
                            Loop.SendAll(s, data, 0, size);
                            Loop.ReceiveExactly(s, buf, size);
                            long t = Stopwatch.GetTimestamp() - t0;
                            if (counts[k] < per)
                            {
                                samples[k][counts[k]++] = t;
                            }

                            trips[k]++;
                        }
                    }
                    catch (Exception ex)
                    {
                        fault = ex;
                    }
                }) { IsBackground = true };
                threads[i].Start();
            }

            long start = Stopwatch.GetTimestamp();
            Volatile.Write(ref endAt, start + ms * Stopwatch.Frequency / 1000 + Stopwatch.Frequency);
            gate.SignalAndWait();
            start = Stopwatch.GetTimestamp();
            Volatile.Write(ref endAt, start + ms * Stopwatch.Frequency / 1000);
            Thread.Sleep(Math.Min(ms / 2, 1000));
            result.Threads = conns;
            result.ProcessThreads = Process.GetCurrentProcess().Threads.Count;
            foreach (Thread t in threads)
            {
                t.Join(60000);
            }

            long elapsed = Stopwatch.GetTimestamp() - start;
            foreach (Socket s in sockets)
            {
                s.Close();
            }

            if (fault != null)
            {
                throw new InvalidOperationException("raw scale client failed", fault);
            }

            long total = 0;
            List<double> lat = new List<double>();
            for (int i = 0; i < conns; i++)
            {
                total += trips[i];
                for (int j = 0; j < counts[i]; j++)
                {
                    lat.Add(Stats.TicksToMicros(samples[i][j]));
                }
            }

            result.RoundTripsPerSecond = total / (Stats.TicksToMs(elapsed) / 1000.0);
            result.P50 = Stats.Percentile(lat, 50);
            result.P99 = Stats.Percentile(lat, 99);
            return result;
        }

        // ---- timeout precision ---------------------------------------------------------------------

        private void Timeouts()
        {
            int n = _smoke ? 10 : 50;
            int rounds = _smoke ? 1 : 4;
            int waitMs = _smoke ? 50 : 200;
            int connectMs = _smoke ? 100 : 300;
            List<double> libWait = new List<double>();
            List<double> rawWait = new List<double>();
            using (AsyncEchoPeer peer = new AsyncEchoPeer())
            {
                for (int i = 0; i < _repeats; i++)
                {
                    libWait.AddRange(WaitOvershootLibNet(peer.Port, n, rounds, waitMs));
                    rawWait.AddRange(WaitOvershootRaw(peer.Port, n, rounds, waitMs));
                }
            }

            string w = n + " tasks, " + waitMs + " ms";
            _report.Row("Wait timeout overshoot p50 (ms; " + w + ")", Stats.F(Stats.Percentile(libWait, 50)), Stats.F(Stats.Percentile(rawWait, 50)), "-", "-", null);
            _report.Row("Wait timeout overshoot p99 (ms; " + w + ")", Stats.F(Stats.Percentile(libWait, 99)), Stats.F(Stats.Percentile(rawWait, 99)), "-", "-", null);

            List<double> libConnect = new List<double>();
            List<double> rawConnect = new List<double>();
            int busy = 0;
            int other = 0;
            using (StalledListener stalled = new StalledListener())
            {
                for (int i = 0; i < _repeats; i++)
                {
                    libConnect.AddRange(ConnectOvershootLibNet(stalled.Port, n, rounds, connectMs, ref busy, ref other));
                    rawConnect.AddRange(ConnectOvershootRaw(stalled.Port, n, rounds, connectMs));
                }
            }

            string c = n + " tasks, " + connectMs + " ms";
            _report.Row("Connect timeout overshoot p50 (ms; " + c + ")", Stats.F(Stats.Percentile(libConnect, 50)), Stats.F(Stats.Percentile(rawConnect, 50)), "-", "-", null);
            _report.Row("Connect timeout overshoot p99 (ms; " + c + ")", Stats.F(Stats.Percentile(libConnect, 99)), Stats.F(Stats.Percentile(rawConnect, 99)), "-", "-", null);
            if (busy > 0 || other > 0)
            {
                _report.Note("Connect timeouts: " + busy + " of " + (_repeats * rounds * n) + " connects were refused at once with NetError.Busy (no thread could be made for the connect); " + other + " ended otherwise; overshoot counts only the ones that timed out");
            }
        }

        private static List<double> WaitOvershootLibNet(int port, int n, int rounds, int waitMs)
        {
            SocketAdapter adapter = new SocketAdapter { BindAddress = Loop.Ip };
            List<double> over = new List<double>();
            Barrier gate = new Barrier(n + 1);
            TaskRun[] runs = new TaskRun[n];
            for (int i = 0; i < n; i++)
            {
                runs[i] = TaskRun.Start("tw", me =>
                {
                    NetCtrl netc = NetCtrl.Create(adapter, me);
                    netc.Config(0, false, false);
                    bool ok = LibNet.Connect(me, 10000, netc, Loop.Ip, port);
                    gate.SignalAndWait();
                    Check(ok, netc, "Connect");
                    for (int r = 0; r < rounds; r++)
                    {
                        gate.SignalAndWait();
                        long t0 = Stopwatch.GetTimestamp();
                        bool ev;
                        Check(LibNet.Wait(me, waitMs, netc, out ev) && !ev, netc, "Wait (should time out)");
                        double ms = Stats.TicksToMs(Stopwatch.GetTimestamp() - t0);
                        lock (over)
                        {
                            over.Add(ms - waitMs);
                        }
                    }

                    netc.Release();
                });
            }

            gate.SignalAndWait();
            for (int r = 0; r < rounds; r++)
            {
                gate.SignalAndWait();
            }

            foreach (TaskRun run in runs)
            {
                run.Join();
            }

            EndAdapter(adapter);
            return over;
        }

        private static List<double> WaitOvershootRaw(int port, int n, int rounds, int waitMs)
        {
            List<double> over = new List<double>();
            Barrier gate = new Barrier(n + 1);
            Thread[] threads = new Thread[n];
            Exception fault = null;
            for (int i = 0; i < n; i++)
            {
                threads[i] = new Thread(() =>
                {
                    using (Socket s = Loop.Client(port))
                    {
                        for (int r = 0; r < rounds; r++)
                        {
                            gate.SignalAndWait();
                            long t0 = Stopwatch.GetTimestamp();
                            if (s.Poll(waitMs * 1000, SelectMode.SelectRead))
                            {
                                fault = new InvalidOperationException("idle socket became readable");
                            }

                            double ms = Stats.TicksToMs(Stopwatch.GetTimestamp() - t0);
                            lock (over)
                            {
                                over.Add(ms - waitMs);
                            }
                        }
                    }
                }) { IsBackground = true };
                threads[i].Start();
            }

            for (int r = 0; r < rounds; r++)
            {
                gate.SignalAndWait();
            }

            foreach (Thread t in threads)
            {
                t.Join(60000);
            }

            if (fault != null)
            {
                throw fault;
            }

            return over;
        }

        private static List<double> ConnectOvershootLibNet(int port, int n, int rounds, int timeoutMs, ref int busy, ref int other)
        {
            SocketAdapter adapter = new SocketAdapter { BindAddress = Loop.Ip };
            List<double> over = new List<double>();
            int busyCount = 0;
            int otherCount = 0;
            Barrier gate = new Barrier(n + 1);
            TaskRun[] runs = new TaskRun[n];
            for (int i = 0; i < n; i++)
            {
                runs[i] = TaskRun.Start("tc", me =>
                {
                    NetCtrl netc = NetCtrl.Create(adapter, me);
                    netc.Config(0, false, false);
                    for (int r = 0; r < rounds; r++)
                    {
                        gate.SignalAndWait();
                        long t0 = Stopwatch.GetTimestamp();
                        bool ok = LibNet.Connect(me, timeoutMs, netc, Loop.Ip, port);
                        double ms = Stats.TicksToMs(Stopwatch.GetTimestamp() - t0);
                        if (ok)
                        {
                            throw new InvalidOperationException("connect to the stalled listener succeeded");
                        }

                        lock (over)
                        {
                            if (netc.LastError == NetError.Timeout)
                            {
                                over.Add(ms - timeoutMs);
                            }
                            else if (netc.LastError == NetError.Busy)
                            {
                                busyCount++;
                            }
                            else
                            {
                                otherCount++;
                            }
                        }

                        // Every connect of the round has ended before the next round starts.
                        gate.SignalAndWait();
                    }

                    netc.Release();
                });
            }

            for (int r = 0; r < rounds; r++)
            {
                gate.SignalAndWait();
                gate.SignalAndWait();
                adapter.WaitIdle(5000);
            }

            foreach (TaskRun run in runs)
            {
                run.Join();
            }

            EndAdapter(adapter);
            busy += busyCount;
            other += otherCount;
            return over;
        }

        private static List<double> ConnectOvershootRaw(int port, int n, int rounds, int timeoutMs)
        {
            List<double> over = new List<double>();
            Barrier gate = new Barrier(n + 1);
            Thread[] threads = new Thread[n];
            Exception fault = null;
            for (int i = 0; i < n; i++)
            {
                threads[i] = new Thread(() =>
                {
                    for (int r = 0; r < rounds; r++)
                    {
                        gate.SignalAndWait();
                        using (Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
                        {
                            long t0 = Stopwatch.GetTimestamp();
                            s.Blocking = false;
                            try
                            {
                                s.Connect(new IPEndPoint(IPAddress.Loopback, port));
                            }
                            catch (SocketException se) when (se.SocketErrorCode == SocketError.WouldBlock || se.SocketErrorCode == SocketError.InProgress)
                            {
                                // In progress: Poll below gives it its time.
                            }

                            if (s.Poll(timeoutMs * 1000, SelectMode.SelectWrite))
                            {
                                fault = new InvalidOperationException("raw connect to the stalled listener completed");
                            }

                            double ms = Stats.TicksToMs(Stopwatch.GetTimestamp() - t0);
                            lock (over)
                            {
                                over.Add(ms - timeoutMs);
                            }
                        }

                        gate.SignalAndWait();
                    }
                }) { IsBackground = true };
                threads[i].Start();
            }

            for (int r = 0; r < rounds; r++)
            {
                gate.SignalAndWait();
                gate.SignalAndWait();
            }

            foreach (Thread t in threads)
            {
                t.Join(60000);
            }

            if (fault != null)
            {
                throw fault;
            }

            return over;
        }

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

            _report.Row("footprint: NetCtrl.Create, no rings yet (B, host)", Stats.F(created, 0), "-", "-", "-", null);
            _report.Row("footprint: NetCtrl at default settings (Create + Config, 2 × 1536 B rings) (B, host)", Stats.F(defaults, 0), "-", "-", "-", null);
            _report.Row("footprint: NetCtrl with 512/512 rings (B, host)", Stats.F(small, 0), "-", "-", "-", null);
            _report.Row("footprint: NetCtrl with 4096/4096 rings (B, host)", Stats.F(large, 0), "-", "-", "-", null);
            _report.Row("footprint: task mailbox, 16 slots (default) (B, host)", m16.ToString(), "-", "-", "-", null);
            _report.Row("footprint: each further mailbox slot (B, host)", Stats.F(slot, 0), "-", "-", "-", null);
            _report.Row("footprint: whole task via TaskInitEx, mailbox 16 (B, host, excl. native stack)", task.ToString(), "-", "-", "-", null);
            _report.Row("footprint: retained per connected netc incl. Socket (B, host, GC.GetTotalMemory)", Stats.F(connected, 0), "-", "-", "-", null);
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
