using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Reliability
{
    /// <summary>Each fault of the simulated network, and what the blocking calls return for it.</summary>
    public class FaultTests : SimTest
    {
        [Fact]
        public void ConnectRefusedFailsAtOnce()
        {
            InTask(me =>
            {
                NetCtrl n = Tcp(me);
                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(LibNet.Connect(me, 5000, n, SimulatedAdapter.PeerAddress, 7));
                Assert.True(Ms(sw) < Slack, "refusal took " + Ms(sw) + " ms");
                Assert.Equal(NetError.Refused, n.LastError);
                Assert.Equal(NetCtrlState.Error, n.State);
                n.Release();
            });
        }

        [Fact]
        public void ConnectNeverAnsweredTimesOutAndFreesTheWorker()
        {
            Sim.SetBlackHole(SimulatedAdapter.PeerAddress, true);
            InTask(me =>
            {
                NetCtrl n = Tcp(me);
                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(LibNet.Connect(me, 300, n, SimulatedAdapter.PeerAddress, 80));
                long ms = Ms(sw);
                Assert.True(ms >= 290 && ms < 300 + Slack, "connect returned after " + ms + " ms");
                Assert.Equal(NetError.Timeout, n.LastError);
                n.Release();
            });

            Assert.True(Sim.WaitIdle(Bound), "the blocked connect worker was not freed");
        }

        [Fact]
        public void ConnectNeverAnsweredDoesNotHoldUpAnotherTasksConnect()
        {
            // A connect runs on one of the adapter's two workers: one blocked in a connect that is
            // never answered must not make another task's connect wait for it.
            const string hole = "10.0.0.9";
            const int stuckTimeout = 3000;
            Sim.SetBlackHole(hole, true);
            SimListener l = Sim.Listen(80);
            WatchedCall stuck = new WatchedCall();
            string a = StartTask(UniqueName("stuck"), me =>
            {
                NetCtrl n = Tcp(me);
                Assert.False(stuck.Run(() => LibNet.Connect(me, stuckTimeout, n, hole, 80)));
                Assert.Equal(NetError.Timeout, n.LastError);
                n.Release();
            });
            UntilBlocked(a, stuck, () => Sim.ThreadCount >= 2);
            InTask(me =>
            {
                NetCtrl n = Tcp(me);
                Stopwatch sw = Stopwatch.StartNew();
                MustConnect(me, n, 80);
                Assert.True(Ms(sw) < Slack, "the connect waited " + Ms(sw) + " ms for the one that is never answered");
                Assert.True(stuck.Inside, "the black-holed connect ended first: nothing was held up");
                n.Release();
            });
            JoinAll();
            l.Close();
        }

        [Fact]
        public void ResetAfterNBytesEndsWaitWithReset()
        {
            SimListener l = Sim.Listen(80);
            l.ResetAfterBytes = 100;
            InTask(me =>
            {
                NetCtrl n = Connected(me);
                // The peer takes both (120 bytes: its window is open) and resets after the 100th.
                Assert.True(LibNet.Tx(me, Bound, n, Pattern(60), out bool full), "first Tx: " + NetError.Name(n.LastError));
                Assert.False(full);
                Assert.True(LibNet.Tx(me, Bound, n, Pattern(60), out full), "second Tx: " + NetError.Name(n.LastError));
                Assert.False(full);
                Stopwatch sw = Stopwatch.StartNew();
                bool ok = LibNet.Wait(me, Bound, n, out bool ev);
                Assert.False(ok);
                Assert.False(ev);
                Assert.True(Ms(sw) < Slack);
                Assert.Equal(NetError.Reset, n.LastError);
                Assert.False(LibNet.Tx(me, Bound, n, Pattern(10), out full));

                // The failed Tx keeps the cause (MQTT finding 2: it used to become NotConnected).
                Assert.Equal(NetError.Reset, n.LastError);
                Assert.False(n.Wait(out ev));
                Assert.Equal(NetError.Reset, n.LastError);
                LibNet.Close(me, Bound, n);
                n.Release();
            });

            l.Close();
        }

        [Fact]
        public void PeerResetWhileTaskWaitsEndsTheWait()
        {
            SimListener l = Sim.Listen(80);
            WatchedCall watched = new WatchedCall();
            string task = StartTask(UniqueName("reset"), me =>
            {
                NetCtrl n = Connected(me);
                bool ev = true;
                Assert.False(watched.Run(() => LibNet.Wait(me, Bound, n, out ev)));
                Assert.False(ev);
                Assert.Equal(NetError.Reset, n.LastError);
                n.Release();
            });
            SimPeer p = l.Accept(Bound);
            Assert.NotNull(p);
            UntilBlocked(task, watched);
            watched.Act();
            p.Reset();
            JoinAll();
            watched.AssertEndedAtOnce("the wait");
            l.Close();
        }

        [Fact]
        public void PeerThatStopsReadingFillsTheBufferThenTxOkWhenItResumes()
        {
            SimListener l = Sim.Listen(80);
            l.ReceiveWindow = 1000;
            byte[] data = Pattern(1000 + NetCtrl.DefaultBufferSize + 1000, 7);
            int ring = NetCtrl.DefaultBufferSize;
            using ManualResetEventSlim full = new ManualResetEventSlim();
            long fullMs = -1;
            StartTask(UniqueName("stall"), me =>
            {
                NetCtrl n = Connected(me);

                // The window takes the first 1000 bytes; the next ring's worth stays in the send ring.
                Assert.True(LibNet.Tx(me, Bound, n, data, 0, 1000, out bool f));
                Assert.False(f);
                Assert.True(n.Tx(data, 1000, ring, out f, out bool done));
                Assert.False(f);
                Assert.False(done);
                Assert.Equal(ring, n.TxPending);

                // Nothing more can be queued: at the deadline, (true, true), nothing sent.
                Stopwatch sw = Stopwatch.StartNew();
                Assert.True(LibNet.Tx(me, 300, n, data, 1000 + ring, 1000, out f));
                fullMs = sw.ElapsedMilliseconds;
                Assert.True(f, "a stalled peer must make Tx report a full buffer");
                Assert.Equal(1, n.TxFullCount);
                Assert.Equal(ring, n.TxPending);
                full.Set();
                Assert.True(SysPlus.WaitMsg(me, SocketEvent.TxOk, Bound, out TaskMessage m), "no TxOk after the peer resumed");
                Assert.Equal(NetError.None, m.Param);
                Assert.True(LibNet.Tx(me, Bound, n, data, 1000 + ring, 1000, out f));
                Assert.False(f);
                LibNet.Close(me, Bound, n);
                n.Release();
            });
            SimPeer p = l.Accept(Bound);
            Assert.NotNull(p);
            Assert.True(full.Wait(Bound));
            Assert.InRange(fullMs, 290, 300 + Slack);
            Assert.Equal(1000, p.Available);
            byte[] got = new byte[data.Length];
            Assert.True(p.ReadExactly(got, 0, got.Length, Bound));
            Assert.Equal(data, got);
            JoinAll();
            l.Close();
        }

        [Fact]
        public void SlowSegmentsDelayDataButNotFailure()
        {
            Sim.SegmentDelayMs = 200;
            SimListener l = Sim.Listen(80);
            l.Echo = true;
            InTask(me =>
            {
                NetCtrl n = Connected(me);
                Assert.True(LibNet.Tx(me, Bound, n, Pattern(10), out bool full));
                Stopwatch sw = Stopwatch.StartNew();
                Assert.True(LibNet.Wait(me, 50, n, out bool ev), "a slow segment is not a failure");
                Assert.False(ev);
                Assert.True(LibNet.Wait(me, Bound, n, out ev));
                Assert.True(ev);
                long ms = Ms(sw);
                Assert.True(ms >= 150 && ms < 200 + Slack, "the segment came after " + ms + " ms");
                byte[] b = new byte[10];
                Assert.Equal(10, Drain(n, b, 0));
                Assert.Equal(Pattern(10), b);
                n.Release();
            });
            l.Close();
        }

        [Fact]
        public void UdpLossIsCountedNeverDuplicatedAndSameForTheSameSeed()
        {
            int[] first = UdpLossRun(seed: 5, out int lost1);
            int[] second = UdpLossRun(seed: 5, out int lost2);
            int[] other = UdpLossRun(seed: 6, out int lost3);
            Assert.Equal(first, second);
            Assert.Equal(lost1, lost2);
            Assert.NotEqual(first, other);
        }

        private int[] UdpLossRun(int seed, out int lost)
        {
            const int Count = 200;
            SimulatedAdapter sim = Track(new SimulatedAdapter(seed) { DatagramDropRatio = 0.3 });
            SimUdpPeer peer = sim.BindUdp(9000);
            InTask(me =>
            {
                NetCtrl n = NetCtrl.Create(sim, me);
                n.Config(0, true, false);
                Assert.True(LibNet.Connect(me, Bound, n, SimulatedAdapter.PeerAddress, 9000));
                byte[] d = new byte[4];
                for (int i = 0; i < Count; i++)
                {
                    BitConverter.TryWriteBytes(d, i);
                    Assert.True(LibNet.Tx(me, Bound, n, d, out bool full));
                    Assert.False(full);
                }

                n.Release();
            });

            var seen = new List<int>();
            byte[] b = new byte[16];
            int len;
            while ((len = peer.Receive(b, 0, b.Length, 100, out int fromPort)) >= 0)
            {
                Assert.Equal(4, len);
                seen.Add(BitConverter.ToInt32(b, 0));
            }

            lost = sim.DatagramsLost;
            Assert.Equal(seen.Count, new HashSet<int>(seen).Count);
            Assert.Equal(Count, seen.Count + lost);
            Assert.Equal(0, sim.DatagramsOverflowed);
            Assert.InRange(lost, 30, 90);
            peer.Close();
            return seen.ToArray();
        }

        [Fact]
        public void UdpFloodIsEitherReadOrCountedAsOverflow()
        {
            SimUdpPeer peer = Sim.BindUdp(9000);
            InTask(me =>
            {
                NetCtrl n = NetCtrl.Create(Sim, me);
                n.Config(5000, true, false, 0, 0, 0, null, null, null, null, 256, 256);
                Assert.True(LibNet.Listen(me, Bound, n));
                byte[] d = new byte[100];
                for (int i = 0; i < 200; i++)
                {
                    peer.Send(d, 0, d.Length, SimulatedAdapter.LocalAddress, 5000);
                }

                Assert.Equal(200, Sim.DatagramsDelivered + Sim.DatagramsOverflowed);
                int read = 0;
                byte[] b = new byte[200];
                while (LibNet.Wait(me, 200, n, out bool ev) && ev)
                {
                    while (n.Rx(b, 0, b.Length, out int got) && got > 0)
                    {
                        Assert.Equal(100, got);
                        read++;
                    }
                }

                Assert.Equal(Sim.DatagramsDelivered, read + n.DatagramsDropped);
                n.Release();
            });
            Assert.True(Sim.DatagramsOverflowed > 0, "a flood must overflow the port's queue");
            peer.Close();
        }

        [Fact]
        public void DnsFailingGivesHostNotFound()
        {
            SimListener l = Sim.Listen(80);
            l.Echo = true;
            Sim.AddHost("svc.sim", SimulatedAdapter.PeerAddress);
            Sim.DnsFailing = true;
            InTask(me =>
            {
                NetCtrl n = Tcp(me);
                Assert.False(LibNet.Connect(me, Bound, n, "svc.sim", 80));
                Assert.Equal(NetError.HostNotFound, n.LastError);
                Sim.DnsFailing = false;
                Assert.False(LibNet.Connect(me, Bound, n, "unknown.sim", 80));
                Assert.Equal(NetError.HostNotFound, n.LastError);
                Assert.True(LibNet.Connect(me, Bound, n, "svc.sim", 80));
                n.Release();
            });
            l.Close();
        }

        [Fact]
        public void DnsSlowerThanTheDeadlineTimesOutAndFreesTheWorker()
        {
            Sim.AddHost("svc.sim", SimulatedAdapter.PeerAddress);
            Sim.DnsDelayMs = 30000;
            InTask(me =>
            {
                NetCtrl n = Tcp(me);
                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(LibNet.Connect(me, 300, n, "svc.sim", 80));
                long ms = Ms(sw);
                Assert.True(ms >= 290 && ms < 300 + Slack, "connect returned after " + ms + " ms");
                Assert.Equal(NetError.Timeout, n.LastError);
                n.Release();
            });
            Assert.True(Sim.WaitIdle(5000), "the lookup was not interrupted");
        }

        [Fact]
        public void CloseWithUnsentDataToAStalledPeerReturnsAtItsDeadline()
        {
            SimListener l = Sim.Listen(80);
            l.ReceiveWindow = 100;
            InTask(me =>
            {
                NetCtrl n = Connected(me);
                Assert.True(n.Tx(Pattern(1000), 0, 1000, out bool full, out bool done));
                Stopwatch sw = Stopwatch.StartNew();
                LibNet.Close(me, 300, n);
                long ms = Ms(sw);
                Assert.True(ms >= 290 && ms < 300 + Slack, "Close took " + ms + " ms");
                Assert.True(n.State == NetCtrlState.Closed, n.State + " " + NetError.Name(n.LastError) + ": " + n.LastErrorMessage);
                Assert.Equal(900, n.BytesDropped);
                n.Release();
            });
            l.Close();
        }

        [Fact]
        public void PeerClosingWhileTxWaitsFailsTheTxAndCountsTheDrop()
        {
            SimListener l = Sim.Listen(80);
            l.ReceiveWindow = 100;
            NetCtrl shared = null;
            string task = StartTask(UniqueName("tx"), me =>
            {
                NetCtrl n = Connected(me);
                Volatile.Write(ref shared, n);
                Assert.False(LibNet.Tx(me, Bound, n, Pattern(1000), out bool full));
                // An orderly close by the peer ends the connection (no half-close): unsent bytes are dropped and counted.
                Assert.True(n.State == NetCtrlState.Closed, n.State + " " + NetError.Name(n.LastError) + ": " + n.LastErrorMessage);
                Assert.Equal(900, n.BytesDropped);
                n.Release();
            });
            SimPeer p = l.Accept(Bound);
            Until(() => p.Available == 100 && Blocked(task), "Tx waits for the stalled peer");
            p.Close();
            JoinAll();
            l.Close();
        }

        [Fact]
        public void ClientsBeyondTheBacklogAreRefusedAndTheRestServed()
        {
            NetCtrl listener = null;
            using ManualResetEventSlim go = new ManualResetEventSlim();
            int accepted = 0;
            StartTask(UniqueName("srv"), me =>
            {
                NetCtrl n = Tcp(me, localPort: 8080);
                Assert.True(n.Listen(out bool a));
                Volatile.Write(ref listener, n);
                Assert.True(go.Wait(Bound));
                while (LibNet.Listen(me, 200, n))
                {
                    while (n.Accept(me, out NetCtrl c))
                    {
                        accepted++;
                        Assert.True(LibNet.Tx(me, Bound, c, Pattern(5), out bool full));
                        LibNet.Close(me, Bound, c);
                        c.Release();
                    }
                }

                n.Release();
            });
            Until(() => Volatile.Read(ref listener) != null, "listening");
            var peers = new List<SimPeer>();
            int refused = 0;
            for (int i = 0; i < 20; i++)
            {
                SimPeer p = Sim.Connect(8080);
                if (p == null)
                {
                    refused++;
                }
                else
                {
                    peers.Add(p);
                }

                // Let the engine move clients into the netc's own accept queue before the next one.
                Until(() => listener.AcceptPending == Math.Min(peers.Count, NetCtrl.AcceptBacklog) , "the engine took the client");
            }

            Assert.Equal(NetCtrl.AcceptBacklog + SimListener.Backlog, peers.Count);
            Assert.Equal(20 - peers.Count, refused);
            go.Set();
            JoinAll();
            Assert.Equal(peers.Count, accepted);
            foreach (SimPeer p in peers)
            {
                byte[] b = new byte[5];
                Assert.True(p.ReadExactly(b, 0, 5, Bound));
                Assert.True(p.WaitClosed(Bound));
            }
        }
    }
}
