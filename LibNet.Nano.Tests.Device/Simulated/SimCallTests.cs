using System;
using System.Threading;
using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>Every LibNet call over the SimulatedAdapter on the nanoCLR, when nothing goes wrong.</summary>
    [TestClass]
    public class SimCallTests
    {
        [TestMethod]
        public void ConnectTxWaitRxCloseEcho()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            l.Echo = true;
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0);
                Assert.IsTrue(LibNet.WaitLink(me, Env.Bound, n), "the simulated link is up");
                Bytes.MustConnect(me, n, SimulatedAdapter.PeerAddress, 80);
                Assert.AreEqual((int)NetCtrlState.Online, (int)n.State);
                for (int i = 0; i < 5; i++)
                {
                    Bytes.EchoRoundTrip(me, n, Bytes.Pattern(100 + i * 300, i));
                }

                Assert.AreEqual(5 * 100 + 300 * 10, (int)n.BytesOut, "BytesOut");
                Assert.AreEqual(5 * 100 + 300 * 10, (int)n.BytesIn, "BytesIn");
                LibNet.Close(me, Env.Bound, n);
                Assert.AreEqual((int)NetCtrlState.Closed, (int)n.State);

                // A closed netc connects again.
                Bytes.MustConnect(me, n, SimulatedAdapter.PeerAddress, 80);
                Bytes.EchoRoundTrip(me, n, Bytes.Pattern(10, 9));
                LibNet.Close(me, Env.Bound, n);
                n.Release();
                Assert.AreEqual((int)NetCtrlState.Released, (int)n.State);
            });
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void ListenAcceptServesAClient()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            Box listener = new Box();
            Env.Start("server", me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 8080);
                listener.Value = n;
                Assert.IsTrue(LibNet.Listen(me, Env.Bound, n), "no client: " + NetError.Name(n.LastError));
                NetCtrl c;
                Assert.IsTrue(n.Accept(me, out c), "Accept");
                Assert.IsNotNull(c);
                byte[] req = new byte[5];
                Bytes.Receive(me, c, req);
                Assert.AreEqual("hello", Bytes.Text(req, 0, 5));
                bool full;
                Assert.IsTrue(LibNet.Tx(me, Env.Bound, c, Bytes.Ascii("world"), out full));
                LibNet.Close(me, Env.Bound, c);
                c.Release();
                n.Release();
            });
            Env.Until(() => listener.Netc != null && listener.Netc.State == NetCtrlState.Listening, "listening");
            SimPeer p = sim.Connect(8080);
            Assert.IsNotNull(p, "the client could not connect");
            Assert.AreEqual(5, p.Write(Bytes.Ascii("hello"), 0, 5, Env.Bound));
            byte[] resp = new byte[5];
            Assert.IsTrue(p.ReadExactly(resp, 0, 5, Env.Bound), "no reply");
            Assert.AreEqual("world", Bytes.Text(resp, 0, 5));
            Assert.IsTrue(p.WaitClosed(Env.Bound), "the server did not close");
            Env.End();
        }

        [TestMethod]
        public void UdpDatagramsBothWays()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimUdpPeer peer = sim.BindUdp(9000);
            Box ready = new Box();
            Env.Start("udp", me =>
            {
                NetCtrl n = NetCtrl.Create(sim, me);
                n.Config(0, true, false);
                Bytes.MustConnect(me, n, SimulatedAdapter.PeerAddress, 9000);
                bool full;
                Assert.IsTrue(LibNet.Tx(me, Env.Bound, n, Bytes.Ascii("ping"), out full));
                Assert.IsFalse(full);
                ready.Number = 1;
                bool ev;
                Assert.IsTrue(LibNet.Wait(me, Env.Bound, n, out ev) && ev, "no datagram back");
                byte[] b = new byte[32];
                int got, port;
                string host;
                Assert.IsTrue(n.Rx(b, 0, b.Length, out got, out host, out port));
                Assert.AreEqual("pong", Bytes.Text(b, 0, got));
                Assert.AreEqual(SimulatedAdapter.PeerAddress, host);
                Assert.AreEqual(9000, port);
                n.Release();
            });
            byte[] d = new byte[32];
            int from;
            int len = peer.Receive(d, 0, d.Length, Env.Bound, out from);
            Assert.AreEqual("ping", Bytes.Text(d, 0, len));
            peer.Send(Bytes.Ascii("pong"), 0, 4, SimulatedAdapter.LocalAddress, from);
            Env.JoinAll();
            peer.Close();
            Env.End();
        }

        [TestMethod]
        public void WaitTimesOutWithoutFailure()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.SimConnected(sim, me, 80);
                bool ev;
                long t0 = Clock.Now;
                Assert.IsTrue(LibNet.Wait(me, 300, n, out ev), "a timeout is not a failure");
                Assert.IsFalse(ev, "nothing came");
                Env.AtDeadline(Clock.Since(t0), 300, "Wait(300)");
                n.Release();
            });
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void SendMsgEventEndsAWaitEarly()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            Box t = new Box();
            string task = Env.Start("forced", me =>
            {
                NetCtrl n = Bytes.SimConnected(sim, me, 80);
                t.Value = n;
                bool ev;
                long t0 = Clock.Now;
                Assert.IsTrue(LibNet.Wait(me, Env.Bound, n, out ev));
                Assert.IsTrue(ev, "a forced exit returns (true, true)");
                Env.AtOnce(Clock.Since(t0), "the forced exit");
                n.Release();
            });
            Env.Until(() => t.Value != null && Env.Blocked(task), "the task waits");
            Assert.IsTrue(SysPlus.SendMsg(task, SocketEvent.Event, 0));
            Env.JoinAll();
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void CallbackNetcGetsItsEvents()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            l.Echo = true;
            Box online = new Box();
            Box data = new Box();
            AutoResetEvent changed = new AutoResetEvent(false);
            NetCtrl n = NetCtrl.Create(sim, m =>
            {
                if (m.Id == SocketEvent.OnLine)
                {
                    online.Number = m.Param == 0 ? 1 : -1;
                }
                else if (m.Id == SocketEvent.Event)
                {
                    data.Number++;
                }

                changed.Set();
            });
            n.Config(0, false, false);
            bool connected;
            Assert.IsTrue(n.Connect(SimulatedAdapter.PeerAddress, 80, out connected));
            Env.Until(() => online.Number != 0, "OnLine");
            Assert.AreEqual(1L, online.Number, "OnLine status");
            bool hasEvent, full, done;
            Assert.IsTrue(n.Wait(out hasEvent));
            Assert.IsTrue(n.Tx(Bytes.Ascii("abc"), 0, 3, out full, out done));
            Env.Until(() => n.RxPending == 3, "the echo arrived");
            Assert.IsTrue(data.Number >= 1, "an Event reached the callback");
            n.Release();
            l.Close();
            Env.End();
        }
    }
}
