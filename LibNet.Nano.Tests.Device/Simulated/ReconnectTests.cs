using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// The reconnect loop after a connection ended with bytes still queued (issue 10, defect 1),
    /// on the nanoCLR with the simulated network: the same netc reconnects and its next
    /// <c>LibNet.Tx</c> completes (the host suite's Concurrency/ReconnectAfterDropTests; the real
    /// sockets' twin is <see cref="ReconnectSocketTests"/>).
    /// </summary>
    [TestClass]
    public class ReconnectTests
    {
        [TestMethod]
        public void TxAfterACloseWithBytesQueuedCompletesOnTheNextConnection()
        {
            Run(false);
        }

        [TestMethod]
        public void TxAfterAResetWithBytesQueuedCompletesOnTheNextConnection()
        {
            Run(true);
        }

        private static void Run(bool reset)
        {
            Env.Begin();
            SimulatedAdapter sim = Env.Sim();
            SimListener l = sim.Listen(80);
            l.ReceiveWindow = 256;
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.Tcp(sim, me, 0, 1024);
                Bytes.MustConnect(me, n, SimulatedAdapter.PeerAddress, 80);
                SimPeer stalled = l.Accept(Env.Bound);
                Assert.IsNotNull(stalled);

                // The peer does not read: a window's worth goes out, the rest stays queued.
                bool full, ev;
                Assert.IsFalse(LibNet.Tx(me, 200, n, Bytes.Pattern(1000, 1), out full), "Tx into a stalled peer");
                Assert.IsFalse(full);
                Assert.IsTrue(n.TxPending > 0, "nothing left queued");
                if (reset)
                {
                    // The peer resets with our bytes queued: the connection fails, the ring is dropped.
                    stalled.Reset();
                    Assert.IsFalse(LibNet.Wait(me, Env.Bound, n, out ev), "Wait after a reset");
                    Assert.AreEqual(NetError.Reset, n.LastError, NetError.Name(n.LastError));
                    LibNet.Close(me, Env.Bound, n);
                }
                else
                {
                    // The close cannot drain the ring: it times out and force-closes (bytes dropped).
                    LibNet.Close(me, 100, n);
                    Assert.IsTrue(n.BytesDropped > 0, "the unsent bytes were not counted");
                }

                stalled.Dispose();

                // The reconnect loop: same netc, next connection; its Tx goes out and says so.
                Bytes.MustConnect(me, n, SimulatedAdapter.PeerAddress, 80);
                SimPeer peer = l.Accept(Env.Bound);
                Assert.IsNotNull(peer);
                Assert.IsTrue(LibNet.Tx(me, Env.Bound, n, Bytes.Pattern(10, 7), out full), "Tx after the reconnect: " + NetError.Name(n.LastError));
                Assert.IsFalse(full);
                byte[] got = new byte[10];
                Assert.IsTrue(peer.ReadExactly(got, 0, 10, Env.Bound), "the peer did not get the bytes");
                Assert.IsTrue(Bytes.Same(Bytes.Pattern(10, 7), got), "the peer got other bytes");
                LibNet.Close(me, Env.Bound, n);
                peer.Dispose();
                n.Release();
            });
            l.Close();
            Env.End();
        }
    }
}
