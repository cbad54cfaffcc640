using System;
using System.Threading;
using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// The faults of docs/reliability.md that need no real socket, on the nanoCLR: what each
    /// blocking call returns for each (the host suite's Reliability/FaultTests, same rows).
    /// </summary>
    [TestClass]
    public class SimFaultTests
    {
        [TestMethod]
        public void ConnectRefusedFailsAtOnce()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0);
                long t0 = Clock.Now;
                Assert.IsFalse(LibNet.Connect(me, 5000, n, SimulatedAdapter.PeerAddress, 7));
                Env.AtOnce(Clock.Since(t0), "the refusal");
                Assert.AreEqual(NetError.Refused, n.LastError, NetError.Name(n.LastError));
                Assert.AreEqual((int)NetCtrlState.Error, (int)n.State);
                n.Release();
            });
            Env.End();
        }

        [TestMethod]
        public void ConnectNeverAnsweredTimesOutAndFreesTheWorker()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            sim.SetBlackHole(SimulatedAdapter.PeerAddress, true);
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0);
                long t0 = Clock.Now;
                Assert.IsFalse(LibNet.Connect(me, 300, n, SimulatedAdapter.PeerAddress, 80));
                Env.AtDeadline(Clock.Since(t0), 300, "Connect(300)");
                Assert.AreEqual(NetError.Timeout, n.LastError, NetError.Name(n.LastError));
                n.Release();
            });
            Assert.IsTrue(sim.WaitIdle(Env.Bound), "the blocked connect worker was not freed");
            Env.End();
        }

        [TestMethod]
        public void ResetAfterNBytesEndsWaitWithReset()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            l.ResetAfterBytes = 100;
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.SimConnected(sim, me, 80);
                bool full, ev;
                LibNet.Tx(me, Env.Bound, n, Bytes.Pattern(60, 1), out full);
                LibNet.Tx(me, Env.Bound, n, Bytes.Pattern(60, 2), out full);
                long t0 = Clock.Now;
                Assert.IsFalse(LibNet.Wait(me, Env.Bound, n, out ev), "Wait after a reset");
                Assert.IsFalse(ev);
                Env.AtOnce(Clock.Since(t0), "the reset");
                Assert.AreEqual(NetError.Reset, n.LastError, NetError.Name(n.LastError));
                Assert.IsFalse(LibNet.Tx(me, Env.Bound, n, Bytes.Pattern(10, 3), out full), "Tx after a reset");
                LibNet.Close(me, Env.Bound, n);
                n.Release();
            });
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void PeerResetWhileTaskWaitsEndsTheWait()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            Box connected = new Box();
            string task = Env.Start("reset", me =>
            {
                NetCtrl n = Bytes.SimConnected(sim, me, 80);
                connected.Value = n;
                bool ev;
                Assert.IsFalse(LibNet.Wait(me, Env.Bound, n, out ev));
                Assert.IsFalse(ev);
                Assert.AreEqual(NetError.Reset, n.LastError, NetError.Name(n.LastError));
                n.Release();
            });
            SimPeer p = l.Accept(Env.Bound);
            Assert.IsNotNull(p);
            Env.Until(() => connected.Value != null && Env.Blocked(task), "the task waits");
            p.Reset();
            Env.JoinAll();
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void PeerThatStopsReadingFillsTheBufferThenTxOkWhenItResumes()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            l.ReceiveWindow = 1000;
            byte[] data = Bytes.Pattern(3024, 7);
            ManualResetEvent stalled = new ManualResetEvent(false);
            Env.Start("stall", me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0, 1024);
                Bytes.MustConnect(me, n, SimulatedAdapter.PeerAddress, 80);
                bool full, done;

                // The peer's window takes the first 1000 bytes, the send ring (1024) the next ones.
                Assert.IsTrue(LibNet.Tx(me, Env.Bound, n, data, 0, 1000, out full));
                Assert.IsFalse(full);
                Assert.IsTrue(n.Tx(data, 1000, 1024, out full, out done));
                Assert.IsFalse(full);
                Assert.IsFalse(done);

                // Nothing more can be queued before the deadline: (true, true), nothing sent.
                Assert.IsTrue(LibNet.Tx(me, 300, n, data, 2024, 1000, out full));
                Assert.IsTrue(full, "a stalled peer must make Tx report a full buffer");
                Assert.AreEqual(1, n.TxFullCount);
                stalled.Set();

                // The peer reads again: the same bytes go out (after a TxOk, or within the
                // deadline of a Tx that waits for room).
                long t0 = Clock.Now;
                TaskMessage m;
                do
                {
                    Assert.IsTrue(Clock.Since(t0) < Env.Bound, "the send ring never drained");
                    SysPlus.WaitMsg(me, SocketEvent.TxOk, 100, out m);
                    Assert.IsTrue(LibNet.Tx(me, Env.Bound, n, data, 2024, 1000, out full), "Tx once the peer reads again: " + NetError.Name(n.LastError));
                }
                while (full);
                LibNet.Close(me, Env.Bound, n);
                n.Release();
            });
            SimPeer p = l.Accept(Env.Bound);
            Assert.IsNotNull(p);
            Assert.IsTrue(stalled.WaitOne(Env.Bound, false), "the sender never stalled");
            Assert.AreEqual(1000, p.Available);
            byte[] got = new byte[3024];
            Assert.IsTrue(p.ReadExactly(got, 0, 3024, Env.Bound), "the peer did not get every byte");
            Assert.IsTrue(Bytes.Same(data, got), "bytes out of order");
            Env.JoinAll();
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void PeerClosingWhileTxWaitsFailsTheTxAndCountsTheDrop()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            l.ReceiveWindow = 100;
            Box shared = new Box();
            string task = Env.Start("txclose", me =>
            {
                NetCtrl n = Bytes.SimConnected(sim, me, 80);
                shared.Value = n;
                bool full;
                long t0 = Clock.Now;
                Assert.IsFalse(LibNet.Tx(me, Env.Bound, n, Bytes.Pattern(1000, 1), out full), "Tx to a peer that closed");
                Assert.IsFalse(full);
                Assert.IsTrue(Clock.Since(t0) < Env.Bound - 1000, "Tx waited for its deadline");
                Assert.IsTrue(n.BytesDropped > 0, "unsent bytes are counted");
                n.Release();
            });
            SimPeer p = l.Accept(Env.Bound);
            Assert.IsNotNull(p);
            Env.Until(() => shared.Netc != null && shared.Netc.TxPending > 0 && Env.Blocked(task), "Tx waits for TxOk");
            p.Close();
            Env.JoinAll();
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void CloseWithUnsentDataToAStalledPeerReturnsAtItsDeadline()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            l.ReceiveWindow = 100;
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.SimConnected(sim, me, 80);
                bool full, done;
                Assert.IsTrue(n.Tx(Bytes.Pattern(1000, 1), 0, 1000, out full, out done));
                long t0 = Clock.Now;
                LibNet.Close(me, 300, n);
                Env.AtDeadline(Clock.Since(t0), 300, "Close(300)");
                Assert.AreEqual((int)NetCtrlState.Closed, (int)n.State, NetError.Name(n.LastError));
                Assert.AreEqual(900L, n.BytesDropped, "the unsent bytes");
                n.Release();
            });
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void SlowSegmentsDelayDataButNotFailure()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            sim.SegmentDelayMs = 200;
            SimListener l = sim.Listen(80);
            l.Echo = true;
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.SimConnected(sim, me, 80);
                bool full, ev;
                Assert.IsTrue(LibNet.Tx(me, Env.Bound, n, Bytes.Pattern(10, 1), out full));
                long t0 = Clock.Now;
                Assert.IsTrue(LibNet.Wait(me, 50, n, out ev), "a slow segment is not a failure");
                Assert.IsFalse(ev);
                Assert.IsTrue(LibNet.Wait(me, Env.Bound, n, out ev));
                Assert.IsTrue(ev);
                long ms = Clock.Since(t0);
                Assert.IsTrue(ms >= 150 && ms < 200 + Env.Slack, "the segment came after " + ms + " ms");
                byte[] b = new byte[10];
                Assert.AreEqual(10, Bytes.Drain(n, b, 0));
                Assert.IsTrue(Bytes.Same(Bytes.Pattern(10, 1), b));
                n.Release();
            });
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void UdpLossIsCountedNeverDuplicatedAndSameForTheSameSeed()
        {
            Env.Begin();
            int lost1, lost2, lost3;
            string first = UdpLossRun(5, out lost1);
            string second = UdpLossRun(5, out lost2);
            string other = UdpLossRun(6, out lost3);
            Assert.AreEqual(first, second, "same seed, same losses");
            Assert.AreEqual(lost1, lost2);
            Assert.AreNotEqual(first, other, "another seed, other losses");
            Env.End();
        }

        private static string UdpLossRun(int seed, out int lost)
        {
            const int Count = 100;
            SimulatedAdapter sim = (SimulatedAdapter)Env.Track(new SimulatedAdapter(seed));
            sim.DatagramDropRatio = 0.3;
            SimUdpPeer peer = sim.BindUdp(9000);
            Env.InTask(me =>
            {
                NetCtrl n = NetCtrl.Create(sim, me);
                n.Config(0, true, false);
                Bytes.MustConnect(me, n, SimulatedAdapter.PeerAddress, 9000);
                byte[] d = new byte[1];
                bool full;
                for (int i = 0; i < Count; i++)
                {
                    d[0] = (byte)i;
                    Assert.IsTrue(LibNet.Tx(me, Env.Bound, n, d, out full));
                    Assert.IsFalse(full);
                }

                n.Release();
            });

            bool[] seen = new bool[Count];
            char[] map = new char[Count];
            int received = 0;
            byte[] b = new byte[16];
            int len, fromPort;
            while ((len = peer.Receive(b, 0, b.Length, 100, out fromPort)) >= 0)
            {
                Assert.AreEqual(1, len);
                Assert.IsFalse(seen[b[0]], "datagram " + b[0] + " twice");
                seen[b[0]] = true;
                received++;
            }

            for (int i = 0; i < Count; i++)
            {
                map[i] = seen[i] ? '1' : '0';
            }

            lost = sim.DatagramsLost;
            Assert.AreEqual(Count, received + lost, "received + lost = sent");
            Assert.AreEqual(0, sim.DatagramsOverflowed);
            Assert.IsTrue(lost >= 10 && lost <= 50, "lost " + lost + " of " + Count + " at 30 %");
            peer.Close();
            return new string(map);
        }

        [TestMethod]
        public void DnsFailingOrUnknownGivesHostNotFound()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            l.Echo = true;
            sim.AddHost("svc.sim", SimulatedAdapter.PeerAddress);
            sim.DnsFailing = true;
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0);
                Assert.IsFalse(LibNet.Connect(me, Env.Bound, n, "svc.sim", 80));
                Assert.AreEqual(NetError.HostNotFound, n.LastError, NetError.Name(n.LastError));
                sim.DnsFailing = false;
                Assert.IsFalse(LibNet.Connect(me, Env.Bound, n, "unknown.sim", 80));
                Assert.AreEqual(NetError.HostNotFound, n.LastError, NetError.Name(n.LastError));
                Bytes.MustConnect(me, n, "svc.sim", 80);
                n.Release();
            });
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void DnsSlowerThanTheDeadlineTimesOutAndFreesTheWorker()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            sim.AddHost("svc.sim", SimulatedAdapter.PeerAddress);
            sim.DnsDelayMs = 30000;
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0);
                long t0 = Clock.Now;
                Assert.IsFalse(LibNet.Connect(me, 300, n, "svc.sim", 80));
                Env.AtDeadline(Clock.Since(t0), 300, "Connect(300) in a slow lookup");
                Assert.AreEqual(NetError.Timeout, n.LastError, NetError.Name(n.LastError));
                n.Release();
            });
            Assert.IsTrue(sim.WaitIdle(5000), "the lookup was not interrupted");
            Env.End();
        }

        [TestMethod]
        public void ClosedReachesATaskWhoseMailboxIsFull()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            ManualResetEvent armed = new ManualResetEvent(false);
            ManualResetEvent resume = new ManualResetEvent(false);
            Box shared = new Box();
            const int Capacity = 4;
            string owner = Env.Start("deaf", me =>
            {
                NetCtrl n = Bytes.SimConnected(sim, me, 80);
                bool has;
                Assert.IsTrue(n.Wait(out has));
                shared.Value = n;
                armed.Set();
                Assert.IsTrue(resume.WaitOne(Env.Bound, false));

                // The mailbox is full of other messages and the events were refused, yet:
                byte[] b = new byte[100];
                bool ev;
                Assert.IsTrue(LibNet.Wait(me, Env.Bound, n, out ev));
                Assert.IsTrue(ev);
                Assert.AreEqual(100, Bytes.Drain(n, b, 0));
                Assert.IsFalse(LibNet.Wait(me, Env.Bound, n, out ev), "the close must reach the task");
                Assert.AreEqual((int)NetCtrlState.Closed, (int)n.State);
                Assert.IsTrue(n.EventsRefused >= 1, "refusals are counted on the netc");
                int high, dropped, refused;
                Assert.IsTrue(SysPlus.GetMailboxStats(me, out high, out dropped, out refused));
                Assert.AreEqual(Capacity, high);
                Assert.IsTrue(refused >= 1, "refused " + refused);
                n.Release();
            }, null, Capacity);
            SimPeer p = l.Accept(Env.Bound);
            Assert.IsNotNull(p);
            Assert.IsTrue(armed.WaitOne(Env.Bound, false));
            int posted = 0;
            while (SysPlus.SendMsg(owner, 1000, posted))
            {
                posted++;
            }

            Assert.AreEqual(Capacity, posted);
            Assert.AreEqual(100, p.Write(Bytes.Pattern(100, 1), 0, 100, Env.Bound));
            Env.Until(() => shared.Netc.RxPending == 100, "the data reached the receive ring");
            p.Close();
            Env.Until(() => shared.Netc.EventsRefused >= 1 && shared.Netc.State != NetCtrlState.Online, "the engine saw the data and the close");
            resume.Set();
            Env.JoinAll();
            l.Close();
            Env.End();
        }
    }
}
