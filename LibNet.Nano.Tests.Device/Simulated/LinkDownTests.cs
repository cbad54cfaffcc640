using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>The link goes down during each blocking call (SimulatedAdapter): a failure result at once, never a hang.</summary>
    [TestClass]
    public class LinkDownTests
    {
        /// <summary>Starts <paramref name="body"/> in a task; once <paramref name="during"/> holds and the task is blocked, takes the link down.</summary>
        private static void DownDuring(SimulatedAdapter sim, TaskTest body, Condition during)
        {
            string task = Env.Start("link", body);
            Env.Until(() => during() && Env.Blocked(task), "the blocking call is under way");
            sim.SetLinkUp(false);
            Env.JoinAll();
        }

        [TestMethod]
        public void WaitLinkTimesOutWhileDownAndReturnsTrueWhenTheLinkComesUp()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            sim.SetLinkUp(false);
            Box shared = new Box();
            string task = Env.Start("wl", me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0);
                long t0 = Clock.Now;
                Assert.IsFalse(LibNet.WaitLink(me, 200, n));
                Env.AtDeadline(Clock.Since(t0), 200, "WaitLink(200)");
                shared.Value = n;
                Assert.IsTrue(LibNet.WaitLink(me, Env.Bound, n), "the link came up");
                n.Release();
            });
            Env.Until(() => shared.Value != null && Env.Blocked(task), "the second WaitLink waits");
            sim.SetLinkUp(true);
            Env.End();
        }

        [TestMethod]
        public void WaitLinkGetsTheDownEventAsFalse()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            sim.SetLinkUp(false);
            Box shared = new Box();
            DownDuring(sim, me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0);
                shared.Value = n;
                long t0 = Clock.Now;
                Assert.IsFalse(LibNet.WaitLink(me, Env.Bound, n));
                Env.AtOnce(Clock.Since(t0), "WaitLink ended by a Link-down event");
                n.Release();
            }, () => shared.Value != null);
            Env.End();
        }

        [TestMethod]
        public void ConnectUnderWayFailsWithLinkDown()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            sim.SetBlackHole(SimulatedAdapter.PeerAddress, true);
            Box shared = new Box();
            DownDuring(sim, me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0);
                shared.Value = n;
                long t0 = Clock.Now;
                Assert.IsFalse(LibNet.Connect(me, Env.Bound, n, SimulatedAdapter.PeerAddress, 80));
                Assert.IsTrue(Clock.Since(t0) < Env.Bound - 1000, "connect waited for its deadline");
                Assert.AreEqual(NetError.LinkDown, n.LastError, NetError.Name(n.LastError));
                n.Release();
            }, () => shared.Netc != null && shared.Netc.State == NetCtrlState.Connecting);
            Env.End();
        }

        [TestMethod]
        public void ConnectWhileDownFailsAtOnce()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            l.Echo = true;
            sim.SetLinkUp(false);
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0);
                long t0 = Clock.Now;
                Assert.IsFalse(LibNet.Connect(me, Env.Bound, n, SimulatedAdapter.PeerAddress, 80));
                Env.AtOnce(Clock.Since(t0), "Connect while down");
                Assert.AreEqual(NetError.LinkDown, n.LastError, NetError.Name(n.LastError));
                Assert.IsFalse(LibNet.WaitLink(me, 100, n));
                n.Release();
            });
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void WaitFailsWithLinkDown()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            Box shared = new Box();
            DownDuring(sim, me =>
            {
                NetCtrl n = Bytes.SimConnected(sim, me, 80);
                shared.Value = n;
                bool ev;
                Assert.IsFalse(LibNet.Wait(me, Env.Bound, n, out ev));
                Assert.IsFalse(ev);
                Assert.AreEqual(NetError.LinkDown, n.LastError, NetError.Name(n.LastError));
                Assert.AreEqual((int)NetCtrlState.Error, (int)n.State);
                n.Release();
            }, () => shared.Value != null);
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void TxWaitingForTxOkFailsWithLinkDown()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            l.ReceiveWindow = 100;
            Box shared = new Box();
            DownDuring(sim, me =>
            {
                NetCtrl n = Bytes.SimConnected(sim, me, 80);
                shared.Value = n;

                // The peer never reads: 100 bytes fit its window, the rest waits for a TxOk that cannot come.
                bool full;
                Assert.IsFalse(LibNet.Tx(me, Env.Bound, n, Bytes.Pattern(1000, 1), out full));
                Assert.IsFalse(full);
                Assert.AreEqual(NetError.LinkDown, n.LastError, NetError.Name(n.LastError));
                n.Release();
            }, () => shared.Netc != null && shared.Netc.TxPending > 0);
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void ListenFailsWithLinkDownAndWorksAgainWhenUp()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            Box shared = new Box();
            DownDuring(sim, me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 8080);
                shared.Value = n;
                Assert.IsFalse(LibNet.Listen(me, Env.Bound, n));
                Assert.AreEqual(NetError.LinkDown, n.LastError, NetError.Name(n.LastError));
                Assert.IsFalse(LibNet.Listen(me, Env.Bound, n), "Listen while the link is down");
                n.Release();
            }, () => shared.Netc != null && shared.Netc.State == NetCtrlState.Listening);

            sim.SetLinkUp(true);
            Box listener = new Box();
            Env.Start("listen", me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 8080);
                Assert.IsTrue(LibNet.WaitLink(me, Env.Bound, n));
                listener.Value = n;
                Assert.IsTrue(LibNet.Listen(me, Env.Bound, n), "Listen once the link is up");
                NetCtrl c;
                Assert.IsTrue(n.Accept(me, out c));
                c.Release();
                n.Release();
            });
            Env.Until(() => listener.Netc != null && listener.Netc.State == NetCtrlState.Listening, "listening again");
            SimPeer p = sim.Connect(8080);
            Assert.IsNotNull(p, "no connection to the listener");
            Env.JoinAll();
            Assert.IsTrue(p.WaitClosed(Env.Bound));
            Env.End();
        }
    }
}
