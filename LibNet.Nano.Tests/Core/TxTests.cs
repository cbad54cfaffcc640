using System.Diagnostics;
using System.Net.Sockets;
using System.Threading;
using NanoLibNet;
using Xunit;
using Xunit.Abstractions;

namespace NanoLibNet.Tests.Core
{
    /// <summary>Tx backpressure: a peer that stops reading fills the send ring (bufferFull); when it reads again, Tx completes with TxOk.</summary>
    public class TxTests : NetTest
    {
        private const int Ring = 4096;
        private readonly ITestOutputHelper _out;

        public TxTests(ITestOutputHelper output)
        {
            _out = output;
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void BufferFullWhilePeerStallsThenTxOkWhenItReads(bool sweep)
        {
            SocketAdapter adapter = sweep ? Track(new SocketAdapter(true) { BindAddress = Loopback.Ip }) : Adapter;
            ManualResetEventSlim full = new ManualResetEventSlim();
            long queued = 0;
            int fullAfterTimeouts = 0;
            byte[] chunk = Loopback.Pattern(Ring);
            using (Socket listener = Loopback.Listener(16, 4096))
            {
                StartTask(UniqueName("txfull"), me =>
                {
                    NetCtrl netc = NetCtrl.Create(adapter, me);
                    netc.Config(0, false, false, 0, 0, 0, null, null, null, null, NetCtrl.MinBufferSize, Ring);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, Loopback.PortOf(listener)), netc.LastErrorMessage);

                    // Fill: while the network takes it, Tx returns (true, false); once the peer's window
                    // and our socket buffer are full the ring stops draining: Tx times out (false, false,
                    // data still queued) and then finds the ring full (true, true), nothing queued.
                    bool bufferFull = false;
                    Stopwatch sw = Stopwatch.StartNew();
                    while (!bufferFull)
                    {
                        Assert.True(sw.ElapsedMilliseconds < 60000, "never full after " + queued + " bytes");
                        bool ok = LibNet.Tx(me, 100, netc, chunk, out bufferFull);
                        if (!ok)
                        {
                            // Timed out waiting for TxOk: the bytes stay queued, the connection is fine.
                            Assert.False(bufferFull);
                            Assert.Equal(NetCtrlState.Online, netc.State);
                            fullAfterTimeouts++;
                            queued += chunk.Length;
                        }
                        else if (!bufferFull)
                        {
                            queued += chunk.Length;
                        }
                    }

                    Assert.Equal(NetCtrlState.Online, netc.State);
                    Assert.True(netc.TxPending > 0);
                    Assert.True(netc.TxFullCount >= 1);
                    Assert.True(netc.BytesOut < queued);

                    // Still full while the peer does not read: the same answer, nothing queued.
                    Assert.True(LibNet.Tx(me, 100, netc, chunk, out bufferFull));
                    Assert.True(bufferFull);
                    full.Set();

                    // The peer reads again: wait for the ring to drain, retry, and this Tx completes with TxOk.
                    int retries = 0;
                    while (true)
                    {
                        Assert.True(LibNet.Tx(me, 10000, netc, chunk, out bufferFull), NetError.Name(netc.LastError));
                        if (!bufferFull)
                        {
                            break;
                        }

                        Assert.True(++retries < 100, "still full after the peer read");
                        SysPlus.WaitMsg(me, SocketEvent.TxOk, 10000, out TaskMessage ignored);
                    }

                    queued += chunk.Length;
                    Assert.Equal(0, netc.TxPending);
                    Assert.Equal(queued, netc.BytesOut);
                    LibNet.Close(me, 10000, netc);
                    netc.Release();
                });

                using (Socket peer = Loopback.Accept(listener))
                {
                    Assert.True(full.Wait(60000), "the task never saw a full buffer");
                    _out.WriteLine("full after " + queued + " bytes queued (" + fullAfterTimeouts + " Tx timed out before)");
                    byte[] all = Loopback.ReadToEnd(peer);
                    Assert.Equal(queued, all.Length);
                    for (int i = 0; i < all.Length; i += Ring)
                    {
                        Assert.Equal(chunk[0], all[i]);
                        Assert.Equal(chunk[Ring - 1], all[i + Ring - 1]);
                    }
                }
            }

            JoinAll();
        }

        [Fact]
        public void SocketLayerTxIsFollowedByTxOk()
        {
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    netc.Config(0, false, false, 0, 0, 0, null, null, null, null, 1024, 1024);
                    Assert.Equal(1024, netc.TxCapacity);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, peer.Port));
                    byte[] d = Loopback.Pattern(700);
                    Assert.True(netc.Tx(d, 0, d.Length, out bool full, out bool done));
                    Assert.False(full);
                    Assert.False(done);
                    Assert.True(SysPlus.WaitMsg(me, SocketEvent.TxOk, 10000, out TaskMessage m));
                    Assert.Same(netc, m.Source);
                    Assert.Equal(NetError.None, m.Param);
                    Assert.Equal(700, netc.BytesOut);

                    // A zero-length Tx is done at once.
                    Assert.True(netc.Tx(d, 0, 0, out full, out done));
                    Assert.True(done);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void TxLargerThanTheRingIsABadArgument()
        {
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, peer.Port));
                    byte[] big = new byte[NetCtrl.DefaultBufferSize + 1];
                    Assert.Throws<System.ArgumentOutOfRangeException>(() => LibNet.Tx(me, 10000, netc, big, out bool full));
                    Assert.True(LibNet.Tx(me, 10000, netc, big, 0, NetCtrl.DefaultBufferSize, out bool ok));
                    Assert.False(ok);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void TxOnAnUnconnectedNetcFails()
        {
            InTask(me =>
            {
                NetCtrl netc = NetCtrl.Create(Adapter, me);
                Assert.False(LibNet.Tx(me, 10000, netc, new byte[4], out bool full));
                Assert.False(full);
                Assert.Equal(NetError.NotConnected, netc.LastError);
                netc.Release();
            });
        }
    }
}
