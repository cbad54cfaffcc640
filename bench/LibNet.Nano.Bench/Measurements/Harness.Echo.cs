using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet.Bench
{
    // The echo round trip (a cross-check of the BenchmarkDotNet figure), with the hand-off floor.
    internal sealed partial class Harness
    {
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
    }
}
