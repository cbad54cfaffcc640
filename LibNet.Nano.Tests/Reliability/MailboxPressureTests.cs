using System;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Reliability
{
    /// <summary>
    /// A task stops reading its mailbox while its socket keeps receiving: the mailbox fills,
    /// the socket's events are refused (and counted), yet the close or the error still reaches
    /// the task (sticky state), the engine keeps serving other sockets, nothing deadlocks.
    /// </summary>
    public class MailboxPressureTests : SimTest
    {
        private const int Capacity = 4;

        /// <summary>
        /// The owner arms a Wait, then stops reading its mailbox (blocks on a plain event) while the
        /// test fills its mailbox with other messages and the peer sends data and then
        /// <paramref name="ending"/> the stream. Another task on the same adapter must keep
        /// exchanging data meanwhile. Then the owner reads on.
        /// </summary>
        private void FullMailbox(Action<SimPeer> ending, int expectedError)
        {
            SimListener l = Sim.Listen(80);
            SimListener echo = Sim.Listen(81);
            echo.Echo = true;
            using ManualResetEventSlim armed = new ManualResetEventSlim();
            using ManualResetEventSlim resume = new ManualResetEventSlim();
            NetCtrl shared = null;
            string owner = StartTask(UniqueName("deaf"), me =>
            {
                NetCtrl n = Connected(me);
                Assert.True(n.Wait(out bool has));
                Assert.False(has);
                Volatile.Write(ref shared, n);
                armed.Set();
                Assert.True(resume.Wait(Bound));

                // The mailbox is full of other messages and the events were refused, yet:
                byte[] b = new byte[100];
                Assert.True(LibNet.Wait(me, Bound, n, out bool ev));
                Assert.True(ev);
                Assert.Equal(100, Drain(n, b, 0));
                Assert.Equal(Pattern(100), b);

                Assert.False(LibNet.Wait(me, Bound, n, out ev), "the end of the stream must reach the task");
                Assert.False(ev);
                Assert.Equal(expectedError == NetError.None ? NetCtrlState.Closed : NetCtrlState.Error, n.State);
                Assert.Equal(expectedError, n.LastError);
                Assert.True(n.EventsRefused >= 1, "refusals are counted on the netc");
                Assert.True(SysPlus.GetMailboxStats(me, out int high, out int dropped, out int refused));
                Assert.Equal(Capacity, high);
                Assert.True(refused >= 2, "refused " + refused);
                LibNet.Close(me, Bound, n);
                n.Release();
            }, capacity: Capacity);

            SimPeer p = l.Accept(Bound);
            Assert.NotNull(p);
            Assert.True(armed.Wait(Bound));
            int posted = 0;
            while (SysPlus.SendMsg(owner, 1000, posted))
            {
                posted++;
            }

            Assert.Equal(Capacity, posted);
            Assert.Equal(100, p.Write(Pattern(100), 0, 100, Bound));
            Until(() => shared.RxPending == 100, "the data reached the receive ring");
            ending(p);
            Until(() => shared.EventsRefused >= 1 && shared.State != NetCtrlState.Online, "the engine saw the data and the end");

            // The engine is not held up by the deaf task: another task's socket works meanwhile.
            InTask(me =>
            {
                NetCtrl n = Tcp(me);
                MustConnect(me, n, 81);
                for (int i = 0; i < 20; i++)
                {
                    EchoRoundTrip(me, n, Pattern(300, i));
                }

                n.Release();
            });

            resume.Set();
            JoinAll();
            l.Close();
            echo.Close();
        }

        [Fact]
        public void ClosedReachesATaskWhoseMailboxIsFull()
        {
            FullMailbox(p => p.Close(), NetError.None);
        }

        [Fact]
        public void ResetReachesATaskWhoseMailboxIsFull()
        {
            FullMailbox(p => p.Reset(), NetError.Reset);
        }

        [Fact]
        public void TxOkRefusedByAFullMailboxStillEndsTx()
        {
            SimListener l = Sim.Listen(80);
            l.ReceiveWindow = 100;
            using ManualResetEventSlim queued = new ManualResetEventSlim();
            using ManualResetEventSlim resume = new ManualResetEventSlim();
            NetCtrl shared = null;
            string owner = StartTask(UniqueName("deaf"), me =>
            {
                NetCtrl n = Connected(me);
                Assert.True(n.Tx(Pattern(500), 0, 500, out bool full, out bool done));
                Volatile.Write(ref shared, n);
                queued.Set();
                Assert.True(resume.Wait(Bound));
                // 500 bytes were queued before; this Tx waits for a TxOk the full mailbox refused.
                Assert.True(LibNet.Tx(me, Bound, n, Pattern(10), out full), "Tx failed: " + NetError.Name(n.LastError));
                Assert.False(full);
                Assert.True(n.EventsRefused >= 1);
                n.Release();
            }, capacity: Capacity);
            SimPeer p = l.Accept(Bound);
            Assert.True(queued.Wait(Bound));
            while (SysPlus.SendMsg(owner, 1000, 0))
            {
            }

            byte[] got = new byte[500];
            Assert.True(p.ReadExactly(got, 0, 500, Bound));
            Until(() => shared.EventsRefused >= 1, "the TxOk was refused");
            resume.Set();
            Assert.True(p.ReadExactly(new byte[10], 0, 10, Bound));
            JoinAll();
            l.Close();
        }

        [Fact]
        public void RepeatedPressureKeepsMemoryFlat()
        {
            const int Warmup = 30;
            HeapTrend heap = new HeapTrend(30);
            int rounds = heap.Cycles;
            SimListener l = Sim.Listen(80);
            l.Echo = true;
            for (int round = 0; round < Warmup + rounds; round++)
            {
                if (round >= Warmup)
                {
                    heap.At(round - Warmup);
                }

                InTask(me =>
                {
                    NetCtrl n = Connected(me);
                    while (SysPlus.SendMsg(me, 1000, 0))
                    {
                    }

                    // Echoed data and its events arrive while the mailbox is full.
                    Assert.True(n.Tx(Pattern(200), 0, 200, out bool full, out bool done));
                    Until(() => n.RxPending == 200, "the echo arrived");
                    Assert.True(LibNet.Wait(me, Bound, n, out bool ev) && ev);
                    Assert.Equal(200, Drain(n, new byte[200], 0));
                    LibNet.Close(me, Bound, n);
                    n.Release();
                }, capacity: Capacity);
            }

            heap.At(rounds);
            heap.AssertFlat("mailbox pressure, " + rounds + " rounds");
            l.Close();
        }
    }
}
