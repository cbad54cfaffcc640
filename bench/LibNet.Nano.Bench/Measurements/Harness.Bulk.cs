using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet.Bench
{
    // Bulk throughput: 64 MB in small and large writes, one LibNet.Tx each, pipelined NetCtrl.Tx, and one LibNet.Tx of all of it.
    internal sealed partial class Harness
    {
        // ---- bulk throughput ---------------------------------------------------------------------

        private void Bulk()
        {
            long total = _smoke ? 1L << 20 : 64L << 20;
            using (SinkPeer sink = new SinkPeer(total))
            {
                foreach (int write in new[] { 1024, 16384 })
                {
                    // A bulk stream is set up as one: Nagle on (NoDelay = false) on both sides, which is
                    // what a raw Socket has by default. LibNet's default (NoDelay on, for request/response)
                    // pushes every small write as its own segment and wakes the receiver per write; that
                    // pairing is its own row, against a raw socket with NoDelay on too.
                    List<double> raw = new List<double>();
                    List<double> blocking = new List<double>();
                    List<double> pipelined = new List<double>();
                    List<double> rawNoDelay = new List<double>();
                    List<double> blockingNoDelay = new List<double>();
                    List<double> rawAlloc = new List<double>();
                    List<double> libAlloc = new List<double>();
                    for (int i = 0; i < _repeats; i++)
                    {
                        double a;
                        raw.Add(BulkRaw(sink.Port, total, write, false, out a));
                        rawAlloc.Add(a);
                        blocking.Add(BulkLibNet(sink.Port, total, write, false, false, out a));
                        libAlloc.Add(a);
                        pipelined.Add(BulkLibNet(sink.Port, total, write, true, false, out a));
                        rawNoDelay.Add(BulkRaw(sink.Port, total, write, true, out a));
                        blockingNoDelay.Add(BulkLibNet(sink.Port, total, write, false, true, out a));
                    }

                    double r = Stats.Median(raw);
                    double b = Stats.Median(blocking);
                    double p = Stats.Median(pipelined);
                    double rn = Stats.Median(rawNoDelay);
                    double bn = Stats.Median(blockingNoDelay);
                    double target = write >= 16384 ? 0.9 : 0.6;
                    string goal = "≥ " + Stats.F(target, 1);
                    string mb = (total >> 20) + " MB";
                    _report.Row("bulk " + mb + ", " + write + " B writes, LibNet.Tx each (MB/s; Nagle on, both)", Stats.F(b), Stats.F(r), Stats.F(b / r, 2), goal, b / r >= target);
                    _report.Row("bulk " + mb + ", " + write + " B writes, NetCtrl.Tx until full, then TxOk (MB/s; Nagle on, both)", Stats.F(p), Stats.F(r), Stats.F(p / r, 2), goal, p / r >= target);
                    _report.Row("bulk " + mb + ", " + write + " B writes, LibNet.Tx each (MB/s; NoDelay, both: LibNet's default)", Stats.F(bn), Stats.F(rn), Stats.F(bn / rn, 2), "-", null);
                    double la = Stats.Median(libAlloc);
                    _report.Row("allocated per " + write + " B write of that stream, LibNet.Tx each (B, all threads)", Stats.F(la, 2), Stats.F(Stats.Median(rawAlloc), 2), "-", "< 1", la < 1);
                }

                // All of it in one call: raw Send of the whole buffer against one LibNet.Tx.
                byte[] all = new byte[total];
                List<double> rawOne = new List<double>();
                List<double> libOne = new List<double>();
                List<double> libOneSweep = new List<double>();
                for (int i = 0; i < _repeats; i++)
                {
                    rawOne.Add(BulkRawOne(sink.Port, all));
                    libOne.Add(BulkLibNetOne(sink.Port, all, false));
                    libOneSweep.Add(BulkLibNetOne(sink.Port, all, true));
                }

                double ro = Stats.Median(rawOne);
                double lo = Stats.Median(libOne);
                double ls = Stats.Median(libOneSweep);
                string whole = (total >> 20) + " MB";
                _report.Row("bulk " + whole + " in one LibNet.Tx, default 1536 B rings (MB/s; Nagle on, both)", Stats.F(lo), Stats.F(ro), Stats.F(lo / ro, 2), "≥ 0.9", lo / ro >= 0.9);
                _report.Row("bulk " + whole + " in one LibNet.Tx, default rings, poll-sweep engine (device path) (MB/s; Nagle on, both)", Stats.F(ls), Stats.F(ro), Stats.F(ls / ro, 2), "-", null);
            }
        }

        private static double BulkRawOne(int port, byte[] all)
        {
            byte[] ack = new byte[1];
            using (Socket s = Loop.Client(port))
            {
                long t0 = Stopwatch.GetTimestamp();
                Loop.SendAll(s, all, 0, all.Length);
                Loop.ReceiveExactly(s, ack, 1);
                return all.Length / Stats.TicksToMicros(Stopwatch.GetTimestamp() - t0);
            }
        }

        /// <summary>One LibNet.Tx of everything, through default rings (the streaming Tx).</summary>
        private static double BulkLibNetOne(int port, byte[] all, bool sweep)
        {
            SocketAdapter adapter = new SocketAdapter(sweep) { BindAddress = Loop.Ip };
            double mbps = 0;
            TaskRun run = TaskRun.Start("bulk1", me =>
            {
                byte[] ack = new byte[1];
                NetCtrl netc = NetCtrl.Create(adapter, me);
                netc.Config(0, false, false);
                netc.NoDelay = false; // a bulk stream, as the raw socket's default (see Bulk)
                Check(LibNet.Connect(me, 10000, netc, Loop.Ip, port), netc, "Connect");
                long t0 = Stopwatch.GetTimestamp();
                bool full;
                Check(LibNet.Tx(me, 60000, netc, all, out full) && !full, netc, "LibNet.Tx");
                WaitAck(me, netc, ack);

                mbps = all.Length / Stats.TicksToMicros(Stopwatch.GetTimestamp() - t0);
                LibNet.Close(me, 5000, netc);
                netc.Release();
            });
            run.Join();
            EndAdapter(adapter);
            return mbps;
        }

        /// <summary>Waits for the sink's one-byte ack that everything arrived (LibNet.Wait, then Rx).</summary>
        private static void WaitAck(string me, NetCtrl netc, byte[] ack)
        {
            int got = 0;
            while (got == 0)
            {
                bool ev;
                Check(LibNet.Wait(me, 10000, netc, out ev) && ev, netc, "Wait for the ack");
                netc.Rx(ack, 0, 1, out got);
            }
        }

        private static double BulkRaw(int port, long total, int write, bool noDelay, out double allocPerWrite)
        {
            byte[] data = new byte[write];
            byte[] ack = new byte[1];
            using (Socket s = Loop.Client(port))
            {
                s.NoDelay = noDelay;
                long a0 = GC.GetTotalAllocatedBytes(true);
                long t0 = Stopwatch.GetTimestamp();
                for (long sent = 0; sent < total; sent += write)
                {
                    Loop.SendAll(s, data, 0, write);
                }

                Loop.ReceiveExactly(s, ack, 1);
                double mbps = total / Stats.TicksToMicros(Stopwatch.GetTimestamp() - t0);
                allocPerWrite = (GC.GetTotalAllocatedBytes(true) - a0) / (double)(total / write);
                return mbps;
            }
        }

        /// <summary>LibNet bulk: each write through the blocking <c>LibNet.Tx</c>, or (pipelined) through <c>NetCtrl.Tx</c>, waiting for TxOk only when the send ring is full.</summary>
        private static double BulkLibNet(int port, long total, int write, bool pipelined, bool noDelay, out double allocPerWrite)
        {
            SocketAdapter adapter = new SocketAdapter { BindAddress = Loop.Ip };
            double mbps = 0;
            double alloc = 0;
            TaskRun run = TaskRun.Start("bulk", me =>
            {
                byte[] data = new byte[write];
                byte[] ack = new byte[1];
                NetCtrl netc = NetCtrl.Create(adapter, me);
                netc.Config(0, false, false, 0, 0, 0, null, null, null, null, NetCtrl.DefaultBufferSize, NetCtrl.MaxBufferSize);
                netc.NoDelay = noDelay;
                Check(LibNet.Connect(me, 10000, netc, Loop.Ip, port), netc, "Connect");
                long a0 = GC.GetTotalAllocatedBytes(true);
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

                WaitAck(me, netc, ack);

                mbps = total / Stats.TicksToMicros(Stopwatch.GetTimestamp() - t0);
                alloc = (GC.GetTotalAllocatedBytes(true) - a0) / (double)(total / write);
                LibNet.Close(me, 5000, netc);
                netc.Release();
            });
            run.Join();
            EndAdapter(adapter);
            allocPerWrite = alloc;
            return mbps;
        }
    }
}
