using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>The owner's blocking call.</summary>
    internal delegate bool BlockingCall(string me, NetCtrl n);

    /// <summary>Makes the netc a test blocks on.</summary>
    internal delegate NetCtrl NetcSetup(string me);

    /// <summary>A condition on the netc.</summary>
    internal delegate bool NetcCondition(NetCtrl n);

    /// <summary>
    /// Another task closes (or releases) a netc while its owner is blocked on it
    /// (SimulatedAdapter): the blocked call returns a failure at once, for each blocking call.
    /// Rows: true = Release(), false = Close().
    /// </summary>
    [TestClass]
    public class CloseWhileWaitingTests
    {
        private static void CloseDuring(NetcSetup setup, BlockingCall call, NetcCondition during, bool release)
        {
            Box shared = new Box();
            Box elapsed = new Box();
            Box result = new Box();
            string owner = Env.Start("owner", me =>
            {
                NetCtrl n = setup(me);
                shared.Value = n;
                long t0 = Clock.Now;
                result.Number = call(me, n) ? 1 : 0;
                elapsed.Number = Clock.Since(t0);
                if (n.State != NetCtrlState.Released)
                {
                    n.Release();
                }
            });
            Env.Start("closer", me =>
            {
                Env.Until(() => shared.Netc != null && during(shared.Netc) && Env.Blocked(owner), "the owner is blocked");
                if (release)
                {
                    shared.Netc.Release();
                }
                else
                {
                    shared.Netc.Close();
                }
            });
            Env.JoinAll();
            Assert.AreEqual(0L, result.Number, "the blocked call must return a failure");
            Assert.IsTrue(elapsed.Number < Env.Slack, "the blocked call returned after " + elapsed.Number + " ms, not at once");
        }

        [TestMethod]
        [DataRow(false)]
        [DataRow(true)]
        public void Wait(bool release)
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            CloseDuring(
                me => Bytes.SimConnected(sim, me, 80),
                (me, n) =>
                {
                    bool ev;
                    bool ok = LibNet.Wait(me, Env.Bound, n, out ev);
                    Assert.IsFalse(ev);
                    return ok;
                },
                n => true,
                release);
            l.Close();
            Env.End();
        }

        [TestMethod]
        [DataRow(false)]
        [DataRow(true)]
        public void Connect(bool release)
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            sim.SetBlackHole(SimulatedAdapter.PeerAddress, true);
            CloseDuring(
                me => Bytes.Tcp(sim, me, 0),
                (me, n) => LibNet.Connect(me, Env.Bound, n, SimulatedAdapter.PeerAddress, 80),
                n => n.State == NetCtrlState.Connecting,
                release);
            Env.End();
        }

        [TestMethod]
        [DataRow(false)]
        [DataRow(true)]
        public void ConnectDuringSlowDns(bool release)
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            sim.AddHost("svc.sim", SimulatedAdapter.PeerAddress);
            sim.DnsDelayMs = 30000;
            CloseDuring(
                me => Bytes.Tcp(sim, me, 0),
                (me, n) => LibNet.Connect(me, Env.Bound, n, "svc.sim", 80),
                n => n.State == NetCtrlState.Connecting,
                release);
            Env.End();
        }

        [TestMethod]
        [DataRow(false)]
        [DataRow(true)]
        public void Listen(bool release)
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            CloseDuring(
                me => Bytes.Tcp(sim, me, 8080),
                (me, n) => LibNet.Listen(me, Env.Bound, n),
                n => n.State == NetCtrlState.Listening,
                release);
            Env.End();
        }

        [TestMethod]
        [DataRow(false)]
        [DataRow(true)]
        public void Tx(bool release)
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            l.ReceiveWindow = 100;
            CloseDuring(
                me => Bytes.SimConnected(sim, me, 80),
                (me, n) =>
                {
                    bool full;
                    return LibNet.Tx(me, Env.Bound, n, Bytes.Pattern(1000, 1), out full);
                },
                n => n.TxPending > 0,
                release);
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void WaitLinkEndsWhenAnotherTaskReleasesTheNetc()
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            sim.SetLinkUp(false);
            CloseDuring(
                me => Bytes.Tcp(sim, me, 0),
                (me, n) => LibNet.WaitLink(me, Env.Bound, n),
                n => true,
                true);
            Env.End();
        }
    }
}
