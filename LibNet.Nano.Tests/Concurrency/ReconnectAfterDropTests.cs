using System.Net.Sockets;
using NanoLibNet.Tests.Core;
using NanoLibNet.Tests.Reliability;
using Xunit;

namespace NanoLibNet.Tests.Concurrency
{
    /// <summary>
    /// Issue 10, defect 1: after a connection ended with bytes still queued (a close that timed
    /// out, a reset), the netc reconnects and its next <c>LibNet.Tx</c> must complete. On the old
    /// main the queued/sent counters kept the dropped bytes, so the next Tx waited for a mark the
    /// sent counter could never reach and returned false at its deadline (every run).
    /// </summary>
    public class ReconnectAfterDropTests : SimTest
    {
        [Fact]
        public void TxAfterACloseWithBytesQueuedCompletesOnTheNextConnection_Sim()
        {
            SimListener l = Sim.Listen(80);
            l.ReceiveWindow = 256;
            InTask(me =>
            {
                NetCtrl n = Connected(me, 80, txSize: 1024);
                SimPeer stalled = l.Accept(Bound);

                // The peer does not read: a window's worth goes out, the rest stays queued.
                Assert.False(LibNet.Tx(me, 200, n, Pattern(1000), out bool full));
                Assert.False(full);
                Assert.True(n.TxPending > 0, "nothing left queued");

                // The close cannot drain the ring: it times out and force-closes (bytes dropped).
                LibNet.Close(me, 100, n);
                Assert.True(n.BytesDropped > 0);
                stalled.Dispose();

                // The reconnect loop: same netc, next connection.
                MustConnect(me, n, 80);
                SimPeer peer = l.Accept(Bound);
                Assert.True(LibNet.Tx(me, Bound, n, Pattern(10, 7), out full), "Tx after reconnect: " + NetError.Name(n.LastError));
                Assert.False(full);
                byte[] got = new byte[10];
                Assert.True(peer.ReadExactly(got, 0, 10, Bound));
                Assert.Equal(Pattern(10, 7), got);
                LibNet.Close(me, Bound, n);
                peer.Dispose();
                n.Release();
            });
        }

        [Fact]
        public void TxAfterAResetWithBytesQueuedCompletesOnTheNextConnection_Sim()
        {
            SimListener l = Sim.Listen(80);
            l.ReceiveWindow = 256;
            InTask(me =>
            {
                NetCtrl n = Connected(me, 80, txSize: 1024);
                SimPeer stalled = l.Accept(Bound);
                Assert.False(LibNet.Tx(me, 200, n, Pattern(1000), out bool full));
                Assert.True(n.TxPending > 0);

                // The peer resets with our bytes queued: the connection fails, the ring is dropped.
                stalled.Reset();
                Assert.False(LibNet.Wait(me, Bound, n, out bool ev));
                Assert.Equal(NetError.Reset, n.LastError);
                LibNet.Close(me, Bound, n);

                MustConnect(me, n, 80);
                SimPeer peer = l.Accept(Bound);
                Assert.True(LibNet.Tx(me, Bound, n, Pattern(10, 3), out full), "Tx after reconnect: " + NetError.Name(n.LastError));
                byte[] got = new byte[10];
                Assert.True(peer.ReadExactly(got, 0, 10, Bound));
                Assert.Equal(Pattern(10, 3), got);
                LibNet.Close(me, Bound, n);
                peer.Dispose();
                n.Release();
            });
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void TxAfterAResetWithBytesQueuedCompletesOnTheNextConnection_Loopback(bool sweep)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            using (Socket listener = Loopback.Listener(16, 4096))
            {
                InTask(me =>
                {
                    NetCtrl n = NetCtrl.Create(adapter, me);
                    n.Config(0, false, false, 0, 0, 0, null, null, null, null, NetCtrl.DefaultBufferSize, 1024);
                    Assert.True(LibNet.Connect(me, Bound, n, Loopback.Ip, Loopback.PortOf(listener)), n.LastErrorMessage);
                    Socket stalled = Loopback.Accept(listener);

                    // Fill the peer's window and our socket buffer until bytes stay in the ring.
                    byte[] chunk = Pattern(1024);
                    int rounds = 0;
                    while (n.TxPending == 0)
                    {
                        Assert.True(++rounds < 100000, "the ring never kept bytes");
                        Assert.True(n.Tx(chunk, 0, chunk.Length, out bool _, out bool _));
                        Assert.Equal(NetCtrlState.Online, n.State);
                    }

                    // The peer resets (linger 0): the connection fails with the ring dropped.
                    stalled.LingerState = new LingerOption(true, 0);
                    stalled.Close();
                    while (LibNet.Wait(me, Bound, n, out bool ev) && n.State == NetCtrlState.Online)
                    {
                        n.Rx(new byte[64], 0, 64, out int _);
                    }

                    Assert.NotEqual(NetCtrlState.Online, n.State);
                    LibNet.Close(me, Bound, n);

                    // Reconnect the same netc; the next Tx goes out and says so.
                    Assert.True(LibNet.Connect(me, Bound, n, Loopback.Ip, Loopback.PortOf(listener)), n.LastErrorMessage);
                    using (Socket peer = Loopback.Accept(listener))
                    {
                        Assert.True(LibNet.Tx(me, Bound, n, Pattern(10, 5), out bool full), "Tx after reconnect: " + NetError.Name(n.LastError));
                        Assert.False(full);
                        Assert.Equal(Pattern(10, 5), Loopback.ReadExactly(peer, 10));
                    }

                    LibNet.Close(me, Bound, n);
                    n.Release();
                });
            }
        }
    }
}
