using System.Threading;
using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>More of docs/reliability.md on the nanoCLR: a full mailbox, clients beyond the backlog, a UDP flood.</summary>
    [TestClass]
    public class PressureTests
    {
        [TestMethod]
        public void ResetReachesATaskWhoseMailboxIsFull()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            ManualResetEvent armed = new ManualResetEvent(false);
            ManualResetEvent resume = new ManualResetEvent(false);
            Box shared = new Box();
            string owner = Env.Start("deaf", me =>
            {
                NetCtrl n = Bytes.SimConnected(sim, me, 80);
                bool has, ev;
                Assert.IsTrue(n.Wait(out has));
                shared.Value = n;
                armed.Set();
                Assert.IsTrue(resume.WaitOne(Env.Bound, false));
                byte[] b = new byte[50];
                Assert.IsTrue(LibNet.Wait(me, Env.Bound, n, out ev) && ev, "the data first");
                Assert.AreEqual(50, Bytes.Drain(n, b, 0));
                Assert.IsFalse(LibNet.Wait(me, Env.Bound, n, out ev), "then the reset");
                Assert.AreEqual(NetError.Reset, n.LastError, NetError.Name(n.LastError));
                Assert.AreEqual((int)NetCtrlState.Error, (int)n.State);
                n.Release();
            }, null, 2);
            SimPeer p = l.Accept(Env.Bound);
            Assert.IsNotNull(p);
            Assert.IsTrue(armed.WaitOne(Env.Bound, false));
            while (SysPlus.SendMsg(owner, 1000, 0))
            {
            }

            Assert.AreEqual(50, p.Write(Bytes.Pattern(50, 1), 0, 50, Env.Bound));
            Env.Until(() => shared.Netc.RxPending == 50, "the data reached the ring");
            p.Reset();
            Env.Until(() => shared.Netc.State == NetCtrlState.Error, "the engine saw the reset");
            resume.Set();
            Env.JoinAll();
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void TxOkRefusedByAFullMailboxStillEndsTx()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            l.ReceiveWindow = 100;
            ManualResetEvent queued = new ManualResetEvent(false);
            ManualResetEvent resume = new ManualResetEvent(false);
            Box shared = new Box();
            string owner = Env.Start("deaf", me =>
            {
                NetCtrl n = Bytes.SimConnected(sim, me, 80);
                bool full, done;
                Assert.IsTrue(n.Tx(Bytes.Pattern(500, 1), 0, 500, out full, out done));
                shared.Value = n;
                queued.Set();
                Assert.IsTrue(resume.WaitOne(Env.Bound, false));

                // The TxOk of those 500 bytes was refused; the next LibNet.Tx still ends.
                Assert.IsTrue(LibNet.Tx(me, Env.Bound, n, Bytes.Pattern(10, 2), out full), "Tx after a refused TxOk: " + NetError.Name(n.LastError));
                Assert.IsFalse(full);
                Assert.IsTrue(n.EventsRefused >= 1, "the refusal is counted");
                n.Release();
            }, null, 2);
            SimPeer p = l.Accept(Env.Bound);
            Assert.IsNotNull(p);
            Assert.IsTrue(queued.WaitOne(Env.Bound, false));
            while (SysPlus.SendMsg(owner, 1000, 0))
            {
            }

            byte[] got = new byte[510];
            Assert.IsTrue(p.ReadExactly(got, 0, 500, Env.Bound), "the peer reads the first 500");
            Env.Until(() => shared.Netc.TxPending == 0 && shared.Netc.EventsRefused >= 1, "the TxOk was raised and refused");
            resume.Set();
            Assert.IsTrue(p.ReadExactly(got, 500, 10, Env.Bound), "the peer reads the last 10");
            Env.JoinAll();
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void ClientsBeyondTheBacklogAreRefusedAndTheRestServed()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            Box listener = new Box();
            ManualResetEvent go = new ManualResetEvent(false);
            Box served = new Box();
            Env.Start("server", me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 8080);
                bool accepted;
                Assert.IsTrue(n.Listen(out accepted));
                listener.Value = n;
                Assert.IsTrue(go.WaitOne(Env.Bound, false));
                NetCtrl c;
                while (LibNet.Listen(me, 300, n))
                {
                    Assert.IsTrue(n.Accept(me, out c));
                    Assert.IsTrue(LibNet.Tx(me, Env.Bound, c, Bytes.Ascii("!"), out accepted));
                    LibNet.Close(me, Env.Bound, c);
                    c.Release();
                    served.Number++;
                }

                n.Release();
            });
            Env.Until(() => listener.Value != null, "listening");
            SimPeer[] peers = new SimPeer[20];
            int connected = 0;
            for (int i = 0; i < peers.Length; i++)
            {
                peers[i] = sim.Connect(8080);
                if (peers[i] != null)
                {
                    connected++;
                }

                // Let the engine move clients into the netc's own accept queue before the next one.
                int want = connected < NetCtrl.AcceptBacklog ? connected : NetCtrl.AcceptBacklog;
                Env.Until(() => listener.Netc.AcceptPending == want, "the engine took the client");
            }

            Assert.AreEqual(NetCtrl.AcceptBacklog + SimListener.Backlog, connected, "accept queue + pending connections get in, the rest are refused");
            go.Set();
            Env.JoinAll();
            Assert.AreEqual((long)connected, served.Number, "every client that got in is served");
            byte[] b = new byte[1];
            for (int i = 0; i < peers.Length; i++)
            {
                if (peers[i] != null)
                {
                    Assert.IsTrue(peers[i].ReadExactly(b, 0, 1, Env.Bound), "client " + i + " got no reply");
                }
            }

            Env.End();
            OutputHelper.WriteLine(connected + " of " + peers.Length + " clients got in (accept queue " + NetCtrl.AcceptBacklog + " + pending " + SimListener.Backlog + ")");
        }

        [TestMethod]
        public void UdpFloodIsEitherReadOrCountedAsOverflow()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimUdpPeer peer = sim.BindUdp(9000);
            Env.InTask(me =>
            {
                NetCtrl n = NetCtrl.Create(sim, me);
                n.Config(5000, true, false, 0, 0, 0, null, null, null, null, 256, 256);
                Assert.IsTrue(LibNet.Listen(me, Env.Bound, n));
                byte[] d = new byte[100];
                for (int i = 0; i < 200; i++)
                {
                    peer.Send(d, 0, d.Length, SimulatedAdapter.LocalAddress, 5000);
                }

                Assert.AreEqual(200, sim.DatagramsDelivered + sim.DatagramsOverflowed);
                int read = 0;
                byte[] b = new byte[200];
                bool ev;
                int got;
                while (LibNet.Wait(me, 200, n, out ev) && ev)
                {
                    while (n.Rx(b, 0, b.Length, out got) && got > 0)
                    {
                        Assert.AreEqual(100, got);
                        read++;
                    }
                }

                Assert.AreEqual(sim.DatagramsDelivered, read + n.DatagramsDropped, "delivered = read + dropped");
                n.Release();
            });
            Assert.IsTrue(sim.DatagramsOverflowed > 0, "a flood must overflow the port's queue");
            peer.Close();
            Env.End();
        }
    }
}
