using System;
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
        public void BufferFullWhilePeerStallsThenTxCompletesWhenItReads(bool sweep)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            ManualResetEventSlim full = new ManualResetEventSlim();
            byte[] src = Loopback.Pattern(16 * 1024 * 1024);
            long total = 0;
            int cuts = 0;
            using (Socket listener = Loopback.Listener(16, 4096))
            {
                StartTask(UniqueName("txfull"), me =>
                {
                    NetCtrl netc = NetCtrl.Create(adapter, me);
                    netc.Config(0, false, false, 0, 0, 0, null, null, null, null, NetCtrl.MinBufferSize, Ring);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, Loopback.PortOf(listener)), netc.LastErrorMessage);

                    // Fill: while the network takes them, chunks go out whole: (true, false). Once the
                    // peer's window and our socket buffer are full, a Tx may be cut at its deadline
                    // (false, false, Timeout: part of it queued), and then one finds no room at all
                    // (true, true): nothing queued. The stream is always src[0 .. BytesOut + TxPending).
                    bool bufferFull = false;
                    while (!bufferFull)
                    {
                        long pos = netc.BytesOut + netc.TxPending;
                        Assert.True(pos + Ring <= src.Length, "never full after " + pos + " bytes");
                        bool ok = LibNet.Tx(me, 100, netc, src, (int)pos, Ring, out bufferFull);
                        Assert.Equal(NetCtrlState.Online, netc.State);
                        if (!ok)
                        {
                            Assert.False(bufferFull);
                            Assert.Equal(NetError.Timeout, netc.LastError);
                            cuts++;
                        }
                        else if (bufferFull)
                        {
                            Assert.Equal(pos, netc.BytesOut + netc.TxPending);
                        }
                    }

                    Assert.True(netc.TxFullCount >= 1);

                    // Still full while the peer does not read: the same answer, nothing queued.
                    long before = netc.BytesOut + netc.TxPending;
                    Assert.True(LibNet.Tx(me, 100, netc, src, (int)before, Ring, out bufferFull));
                    Assert.True(bufferFull);
                    Assert.Equal(before, netc.BytesOut + netc.TxPending);
                    full.Set();

                    // The peer reads again: a Tx completes within its deadline, all handed to the network.
                    Assert.True(LibNet.Tx(me, 10000, netc, src, (int)before, Ring, out bufferFull), NetError.Name(netc.LastError));
                    Assert.False(bufferFull);
                    Assert.Equal(0, netc.TxPending);
                    total = netc.BytesOut;
                    Assert.Equal(before + Ring, total);
                    LibNet.Close(me, 10000, netc);
                    netc.Release();
                });

                using (Socket peer = Loopback.Accept(listener))
                {
                    Assert.True(full.Wait(60000), "the task never saw a full buffer");
                    byte[] all = Loopback.ReadToEnd(peer);
                    JoinAll();
                    _out.WriteLine("full after " + (total - Ring) + " bytes (" + cuts + " Tx cut at their deadline before)");
                    Assert.Equal(total, all.Length);
                    Assert.True(all.AsSpan().SequenceEqual(src.AsSpan(0, all.Length)), "the stream is not src[0.." + all.Length + ")");
                }
            }
        }

        [Fact]
        public void SocketLayerTxToAnIdleSocketIsDoneAtOnceWithNoTxOk()
        {
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    netc.Config(0, false, false, 0, 0, 0, null, null, null, null, 1024, 1024);
                    Assert.Equal(1024, netc.TxCapacity);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, peer.Port));
                    int handoffs = netc.Handoffs;
                    byte[] d = Loopback.Pattern(700);

                    // Nothing queued before it and the socket takes it: sent on this thread, done.
                    Assert.True(netc.Tx(d, 0, d.Length, out bool full, out bool done));
                    Assert.False(full);
                    Assert.True(done);
                    Assert.Equal(700, netc.BytesOut);
                    Assert.Equal(0, netc.TxPending);
                    Assert.Equal(handoffs, netc.Handoffs);
                    Assert.Equal(d, TcpTests.ReceiveExactly(me, netc, d.Length));

                    // A zero-length Tx is done at once.
                    Assert.True(netc.Tx(d, 0, 0, out full, out done));
                    Assert.True(done);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void SocketLayerTxThatHadToBeQueuedIsFollowedByTxOk()
        {
            using (Socket listener = Loopback.Listener(16, 4096))
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    netc.Config(0, false, false, 0, 0, 0, null, null, null, null, 1024, 1024);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, Loopback.PortOf(listener)));
                    using (Socket peer = Loopback.Accept(listener))
                    {
                        // The peer does not read: the socket stops taking bytes and one Tx is queued.
                        byte[] d = Loopback.Pattern(512);
                        long sent = 0;
                        bool done = true;
                        while (done)
                        {
                            Assert.True(netc.Tx(d, 0, d.Length, out bool full, out done));
                            Assert.False(full);
                            sent += d.Length;
                            Assert.True(sent < 64L * 1024 * 1024, "the socket never stopped taking bytes");
                        }

                        Assert.True(netc.TxPending > 0);

                        // The peer reads everything: the queued bytes go out and TxOk follows.
                        byte[] all = Loopback.ReadExactly(peer, (int)sent);
                        Assert.Equal(d, all.AsSpan((int)sent - d.Length).ToArray());
                        Assert.True(SysPlus.WaitMsg(me, SocketEvent.TxOk, 10000, out TaskMessage m));
                        Assert.Same(netc, m.Source);
                        Assert.Equal(NetError.None, m.Param);
                        Assert.Equal(0, netc.TxPending);
                        Assert.Equal(sent, netc.BytesOut);
                    }

                    netc.Release();
                });
            }
        }

        [Fact]
        public void SocketLayerTxLargerThanTheRingIsABadArgumentLibNetTxIsNot()
        {
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, peer.Port));
                    byte[] big = Loopback.Pattern(NetCtrl.DefaultBufferSize + 1);
                    Assert.Throws<System.ArgumentOutOfRangeException>(() => netc.Tx(big, 0, big.Length, out bool full, out bool done));
                    Assert.Equal(0, netc.BytesOut);
                    Assert.True(LibNet.Tx(me, 10000, netc, big, out bool bufferFull), NetError.Name(netc.LastError));
                    Assert.False(bufferFull);
                    Assert.Equal(big, TcpTests.ReceiveExactly(me, netc, big.Length));
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
