using System;
using System.Net.Sockets;
using System.Threading;
using NanoLibNet;
using Xunit;
using Xunit.Abstractions;

namespace NanoLibNet.Tests.Core
{
    /// <summary>
    /// Issue 12, item 5: the structure of the blocking calls, counted instead of timed. A Tx the
    /// socket takes at once goes out on the caller's thread and wakes nothing; an echo round trip
    /// costs at most one engine-to-task wake-up (desktop), none when the task polls its own
    /// socket (the device's path). On the old main each Tx cost a TxOk round trip through the
    /// engine and each echo two wake-ups.
    /// </summary>
    public class HandoffTests : NetTest
    {
        private readonly ITestOutputHelper _out;

        public HandoffTests(ITestOutputHelper output)
        {
            _out = output;
        }


        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ATxToAnIdleSocketWakesNothing(bool sweep)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            using (Socket listener = Loopback.Listener())
            {
                InTask(me =>
                {
                    NetCtrl n = NetCtrl.Create(adapter, me);
                    Assert.True(LibNet.Connect(me, Bound, n, Loopback.Ip, Loopback.PortOf(listener)));
                    using (Socket peer = Loopback.Accept(listener))
                    {
                        int before = n.Handoffs;
                        int posted = n.EventsPosted;
                        byte[] d = Loopback.Pattern(1024);
                        for (int i = 0; i < 50; i++)
                        {
                            Assert.True(LibNet.Tx(me, Bound, n, d, out bool full));
                            Assert.False(full);
                            Assert.Equal(d, Loopback.ReadExactly(peer, d.Length));
                        }

                        Assert.Equal(before, n.Handoffs);
                        Assert.Equal(posted, n.EventsPosted);
                        Assert.Equal(50 * 1024, n.BytesOut);
                    }

                    LibNet.Close(me, Bound, n);
                    n.Release();
                });
            }
        }

        [Theory]
        [InlineData(false, 64)]
        [InlineData(false, 1024)]
        [InlineData(true, 64)]
        [InlineData(true, 1024)]
        public void AnEchoRoundTripWakesTheTaskAtMostOnce(bool sweep, int size)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            const int Rounds = 200;
            int handoffs = 0;
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl n = NetCtrl.Create(adapter, me);
                    Assert.True(LibNet.Connect(me, Bound, n, Loopback.Ip, peer.Port));
                    byte[] d = Loopback.Pattern(size);
                    byte[] back = new byte[size];
                    int before = n.Handoffs;
                    for (int i = 0; i < Rounds; i++)
                    {
                        int start = n.Handoffs;
                        Assert.True(LibNet.Tx(me, Bound, n, d, out bool full));
                        int got = 0;
                        while (got < size)
                        {
                            Assert.True(LibNet.Wait(me, Bound, n, out bool ev) && ev);
                            Assert.True(n.Rx(back, got, size - got, out int r));
                            got += r;
                        }

                        Assert.Equal(d, back);
                        Assert.InRange(n.Handoffs - start, 0, size <= 1024 ? 1 : 2);
                    }

                    handoffs = n.Handoffs - before;
                    LibNet.Close(me, Bound, n);
                    n.Release();
                });
            }

            _out.WriteLine(Rounds + " round trips of " + size + " B: " + handoffs + " hand-offs (" + (sweep ? "device path" : "desktop") + ")");
            Assert.True(handoffs <= Rounds);
        }

        /// <summary>
        /// Desktop (Select engine): once the task reads its replies itself, the engine leaves the
        /// socket to it (caller-read mode), so a reply wakes the task only. Without that mode the
        /// engine's Select also woke on every reply, found it taken and turned again: one engine
        /// turn per round trip. A reply slower than the task's first poll (a loaded machine) is
        /// left to the engine and may turn it: the bound allows half the rounds for that.
        /// </summary>
        [Theory]
        [InlineData(64)]
        [InlineData(1024)]
        public void RepliesTheTaskReadsItselfDoNotWakeTheEngine(int size)
        {
            const int Warm = 20;
            const int Rounds = 200;
            int turns = 0;
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl n = NetCtrl.Create(Adapter, me);
                    Assert.True(LibNet.Connect(me, Bound, n, Loopback.Ip, peer.Port));
                    byte[] d = Loopback.Pattern(size);
                    byte[] back = new byte[size];
                    int start = 0;
                    for (int i = 0; i < Warm + Rounds; i++)
                    {
                        if (i == Warm)
                        {
                            start = Adapter.Engine.Turn;
                        }

                        Assert.True(LibNet.Tx(me, Bound, n, d, out bool full));
                        int got = 0;
                        while (got < size)
                        {
                            Assert.True(LibNet.Wait(me, Bound, n, out bool ev) && ev);
                            Assert.True(n.Rx(back, got, size - got, out int r));
                            got += r;
                        }

                        Assert.Equal(d, back);
                    }

                    turns = Adapter.Engine.Turn - start;
                    LibNet.Close(me, Bound, n);
                    n.Release();
                });
            }

            _out.WriteLine(Rounds + " round trips of " + size + " B: " + turns + " engine turns");
            Assert.InRange(turns, 0, Rounds / 2);
        }

        /// <summary>
        /// Desktop (Select engine): the engine leaves a socket out of its Select while the task
        /// polls it itself. If the engine takes a turn during that poll (another socket's data),
        /// its next Select runs without this socket; a reply that comes after the task's first
        /// poll ended must still end the task's wait at once. Before the fix nothing asked the
        /// engine to watch the socket again: the reply waited for the engine's 1 s idle timeout
        /// (seen as MQTT QoS 1 publishes at 2,500/s instead of 9,000/s whenever the broker's
        /// PUBACK took longer than the first poll).
        /// </summary>
        [Fact]
        public void AReplyAfterTheFirstPollIsSeenAtOnceThoughTheEngineTurnedDuringIt()
        {
            Adapter.FirstPollMicros = 200000;
            WatchedCall watched = new WatchedCall();
            using (Socket listener = Loopback.Listener())
            {
                TwoConnections c = null;
                string task = null;
                string dbg = null;
                Thread tester = new Thread(() =>
                {
                    // Wait until the task is in its first poll on A, then make the engine turn (data for B).
                    Until(() => task != null && watched.Inside && SysPlus.Find(task) != null && Volatile.Read(ref SysPlus.Find(task).InNativePoll) != 0, "the task polls A itself");
                    int turns = c.MakeTheEngineTurn(Adapter);

                    // The first poll ends (200 ms); the task now waits on its mailbox for the engine.
                    Until(() => Volatile.Read(ref SysPlus.Find(task).InNativePoll) == 0 && Blocked(task), "the task's first poll ended");
                    dbg = "turn at act " + Adapter.Engine.Turn + " (after B " + turns + ")";
                    watched.Act();
                    c.PeerA.Send(new byte[] { 2 });
                });

                InTask(me =>
                {
                    c = TwoConnections.Open(me, Adapter, listener);
                    NetCtrl a = c.A;
                    task = me;
                    tester.Start();
                    bool ev = false;
                    Assert.True(watched.Run(() => LibNet.Wait(me, Bound, a, out ev)));
                    Assert.True(ev);
                    tester.Join();
                    long ms = watched.MsFromActToReturn;
                    _out.WriteLine("reply seen " + ms + " ms after it was sent; " + dbg + ", turn at return " + Adapter.Engine.Turn);
                    Assert.InRange(ms, 0, 400);
                    Assert.True(a.Rx(new byte[4], 0, 4, out int got) && got == 1);
                    c.Close(me);
                });
            }
        }

        /// <summary>
        /// After the task read a reply itself while the engine had left its socket out (as in the
        /// test above), the socket layer's own ways of seeing data still work at once: an Event
        /// armed with <c>NetCtrl.Wait</c> comes when the data does (the engine is asked to watch the
        /// socket again), and <c>NetCtrl.Rx</c> finds data already in the socket (it looks itself).
        /// Before the fix the Event waited for the engine's 1 s idle timeout and Rx returned 0.
        /// </summary>
        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void AfterTheTaskReadItselfTheSocketLayerStillSeesData(bool armEvent)
        {
            Adapter.FirstPollMicros = 200000;
            WatchedCall watched = new WatchedCall();
            using (Socket listener = Loopback.Listener())
            using (ManualResetEventSlim secondSent = new ManualResetEventSlim())
            {
                TwoConnections c = null;
                string task = null;
                int phase = 0;
                Thread tester = new Thread(() =>
                {
                    Until(() => task != null && Volatile.Read(ref phase) == 1 && SysPlus.Find(task) != null && Volatile.Read(ref SysPlus.Find(task).InNativePoll) != 0, "the task polls A itself");
                    c.MakeTheEngineTurn(Adapter);
                    c.PeerA.Send(new byte[] { 2 }); // read by the task's own poll
                    Until(() => Volatile.Read(ref phase) == 2 && (!armEvent || (watched.Inside && Blocked(task))), armEvent ? "the task sleeps on its mailbox for A's Event" : "the task took the first reply");
                    watched.Act();

                    c.PeerA.Send(new byte[] { 3 });
                    secondSent.Set();
                });

                InTask(me =>
                {
                    c = TwoConnections.Open(me, Adapter, listener);
                    NetCtrl a = c.A;
                    task = me;
                    Volatile.Write(ref phase, 1);
                    tester.Start();
                    byte[] buf = new byte[4];
                    int posted = a.EventsPosted;
                    Assert.True(LibNet.Wait(me, Bound, a, out bool ev) && ev);
                    Assert.True(a.Rx(buf, 0, 4, out int got));
                    Assert.Equal(1, got);
                    Assert.Equal(2, buf[0]);
                    Assert.Equal(posted, a.EventsPosted); // the task read it itself
                    if (armEvent)
                    {
                        Assert.True(a.Wait(out bool hasEvent));
                        Assert.False(hasEvent);
                        Volatile.Write(ref phase, 2);
                        TaskMessage msg = default(TaskMessage);
                        Assert.True(watched.Run(() => SysPlus.WaitMsg(me, SocketEvent.Event, Bound, out msg)));
                        Assert.Same(a, msg.Source);
                        _out.WriteLine("Event " + watched.MsFromActToReturn + " ms after the data was sent");
                        Assert.InRange(watched.MsFromActToReturn, 0, 400);
                    }
                    else
                    {
                        // Sent (a loopback send has delivered it when it returns): one Rx must find it.
                        Volatile.Write(ref phase, 2);
                        Assert.True(secondSent.Wait(Bound));
                    }

                    Assert.True(a.Rx(buf, 0, 4, out got));
                    Assert.Equal(1, got);
                    Assert.Equal(3, buf[0]);
                    tester.Join();
                    c.Close(me);
                });
            }
        }

        /// <summary>Two connected netcs of one task (A, the one the tests wait on; B, to make the engine turn) and their peers.</summary>
        private sealed class TwoConnections
        {
            internal NetCtrl A;
            internal NetCtrl B;
            internal Socket PeerA;
            internal Socket PeerB;

            internal static TwoConnections Open(string me, NetAdapter adapter, Socket listener)
            {
                TwoConnections c = new TwoConnections { A = NetCtrl.Create(adapter, me), B = NetCtrl.Create(adapter, me) };
                Assert.True(LibNet.Connect(me, Bound, c.A, Loopback.Ip, Loopback.PortOf(listener)));
                c.PeerA = Loopback.Accept(listener);
                Assert.True(LibNet.Connect(me, Bound, c.B, Loopback.Ip, Loopback.PortOf(listener)));
                c.PeerB = Loopback.Accept(listener);
                return c;
            }

            /// <summary>
            /// Data for B: the engine reads it and turns again. (It counts a turn as it starts one:
            /// the turn after B's read prepares its next Select at once, so while a task still polls
            /// A that Select leaves A out.) Returns the turn count before.
            /// </summary>
            internal int MakeTheEngineTurn(SocketAdapter adapter)
            {
                int turns = adapter.Engine.Turn;
                PeerB.Send(new byte[] { 1 });
                Until(() => B.BytesIn == 1 && adapter.Engine.Turn > turns, "the engine read B and turned again");
                return turns;
            }

            internal void Close(string me)
            {
                LibNet.Close(me, Bound, A);
                LibNet.Close(me, Bound, B);
                A.Release();
                B.Release();
                PeerA.Dispose();
                PeerB.Dispose();
            }
        }
    }
}
