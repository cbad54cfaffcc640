using System.Threading;
using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// Per-call costs on the nanoCLR, printed for docs/performance.md (not asserted: timing is
    /// measured, never tested). Each figure is the best of three batches: the machine is shared.
    /// </summary>
    [TestClass]
    public class CostTests
    {
        private const int Batches = 3;

        private static void Print(string what, long bestTicks, int perBatch)
        {
            long us = bestTicks / 10 / perBatch;
            OutputHelper.WriteLine("cost: " + what + ": " + us + " us (best of " + Batches + " batches of " + perBatch + ")");
        }

        private static long Now()
        {
            return System.DateTime.UtcNow.Ticks;
        }

        [TestMethod]
        public void MailboxMessage()
        {
            Env.Begin();
            const int N = 300;

            // Post and take in the same task: the mailbox alone, no thread switch (10 x more
            // iterations: each is a few microseconds, the clock's step is coarser).
            const int Self = 10 * N;
            Box self = new Box();
            Env.InTask(me =>
            {
                TaskMessage m;
                long best = long.MaxValue;
                for (int b = 0; b < Batches; b++)
                {
                    long t0 = Now();
                    for (int i = 0; i < Self; i++)
                    {
                        SysPlus.SendMsg(me, 1, i);
                        Assert.IsTrue(SysPlus.WaitMsg(me, 1, Env.Bound, out m));
                    }

                    long t = Now() - t0;
                    best = t < best ? t : best;
                }

                self.Number = best;
            });
            Print("SendMsg + WaitMsg, same task (one message through the mailbox)", self.Number, Self);

            // Ping-pong between two tasks: a message each way per round trip, two wake-ups.
            Box pong = new Box();
            string echo = Env.Start("pong", me =>
            {
                TaskMessage m;
                while (SysPlus.WaitMsg(me, Env.Bound, out m) && m.Id != 2)
                {
                    SysPlus.SendMsg((string)m.Data, 1, m.Param);
                }
            });
            Env.InTask(me =>
            {
                TaskMessage m;
                long best = long.MaxValue;
                for (int b = 0; b < Batches; b++)
                {
                    long t0 = Now();
                    for (int i = 0; i < N; i++)
                    {
                        Assert.IsTrue(SysPlus.SendMsg(echo, 1, i, null, me));
                        Assert.IsTrue(SysPlus.WaitMsg(me, 1, Env.Bound, out m), "no pong");
                        Assert.AreEqual(i, m.Param);
                    }

                    long t = Now() - t0;
                    best = t < best ? t : best;
                }

                pong.Number = best;
                SysPlus.SendMsg(echo, 2, 0);
            });
            Print("message round trip between two tasks (SendMsg, WaitMsg, SendMsg, WaitMsg)", pong.Number, N);

            // The floor under it: two threads passing a turn through two AutoResetEvents.
            AutoResetEvent ping = new AutoResetEvent(false);
            AutoResetEvent back = new AutoResetEvent(false);
            Box stop = new Box();
            Thread other = new Thread(() =>
            {
                while (ping.WaitOne(Env.Bound, false) && stop.Number == 0)
                {
                    back.Set();
                }
            });
            other.Start();
            long bestRaw = long.MaxValue;
            for (int b = 0; b < Batches; b++)
            {
                long t0 = Now();
                for (int i = 0; i < N; i++)
                {
                    ping.Set();
                    Assert.IsTrue(back.WaitOne(Env.Bound, false));
                }

                long t = Now() - t0;
                bestRaw = t < bestRaw ? t : bestRaw;
            }

            stop.Number = 1;
            ping.Set();
            Assert.IsTrue(other.Join(Env.Bound));
            Print("raw AutoResetEvent round trip between two threads (the floor)", bestRaw, N);
            Env.End();
        }

        [TestMethod]
        public void EchoRoundTripOnTheSimulatedNetwork()
        {
            Env.Begin();
            const int N = 100;
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            l.Echo = true;
            Box result = new Box();
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0);
                Bytes.MustConnect(me, n, SimulatedAdapter.PeerAddress, 80);
                byte[] data = Bytes.Pattern(64, 1);
                byte[] back = new byte[64];
                long best = long.MaxValue;
                bool full, ev;
                for (int b = 0; b < Batches; b++)
                {
                    long t0 = Now();
                    for (int i = 0; i < N; i++)
                    {
                        Assert.IsTrue(LibNet.Tx(me, Env.Bound, n, data, out full) && !full, "Tx");
                        int got = 0;
                        while (got < back.Length)
                        {
                            Assert.IsTrue(LibNet.Wait(me, Env.Bound, n, out ev) && ev, "Wait");
                            got += Bytes.Drain(n, back, got);
                        }
                    }

                    long t = Now() - t0;
                    best = t < best ? t : best;
                }

                Assert.IsTrue(Bytes.Same(data, back), "echo differs");
                result.Number = best;
                LibNet.Close(me, Env.Bound, n);
                n.Release();
            });
            Print("echo round trip 64 B on the SimulatedAdapter (LibNet.Tx + Wait + Rx; the engine thread carries each way)", result.Number, N);
            l.Close();
            Env.End();
        }
    }
}
