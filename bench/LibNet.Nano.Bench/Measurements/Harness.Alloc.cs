using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet.Bench
{
    // Bytes allocated per steady-state Tx/Wait/Rx cycle, per event and per message.
    internal sealed partial class Harness
    {
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
                    long turns = 0;
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
                            int t0 = adapter.Engine.Turn;
                            long a0 = GC.GetTotalAllocatedBytes(true);
                            l.Run(cycles);
                            long a1 = GC.GetTotalAllocatedBytes(true);
                            events = l.Netc.EventsPosted - e0;
                            messages = box.Posted - m0;
                            turns = adapter.Engine.Turn - t0;
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
                    _report.Note("alloc " + which + ": last run " + totalLib + " B over " + cycles + " cycles, " + events + " events posted (" + Stats.F(events > 0 ? (double)totalLib / events : 0, 3) + " B/event), " + messages + " mailbox messages (" + Stats.F(messages > 0 ? (double)totalLib / messages : 0, 3) + " B/message), " + turns + " engine turns (" + Stats.F((double)turns / cycles, 3) + " per cycle)");
                }
            }
        }
    }
}
