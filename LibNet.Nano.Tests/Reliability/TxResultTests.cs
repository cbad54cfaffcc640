using System.Diagnostics;
using System.Threading;
using Xunit;

namespace NanoLibNet.Tests.Reliability
{
    /// <summary>
    /// Every result of the streaming <c>LibNet.Tx</c> (LIBNET.md section 5), made exactly on the
    /// simulated network, whose windows say how much a peer that stops reading takes.
    /// </summary>
    public class TxResultTests : SimTest
    {
        [Fact]
        public void AllQueuedButNotHandedAtTheDeadlineIsATimeoutAndTheBytesStillGoOut()
        {
            SimListener l = Sim.Listen(80);
            l.ReceiveWindow = 256;
            byte[] data = Pattern(1000, 1);
            long ms = 0;
            using ManualResetEventSlim timedOut = new ManualResetEventSlim();
            StartTask(UniqueName("queued"), me =>
            {
                NetCtrl n = Connected(me);
                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(LibNet.Tx(me, 300, n, data, out bool full));
                ms = sw.ElapsedMilliseconds;
                Assert.False(full);
                Assert.Equal(NetError.Timeout, n.LastError);
                Assert.Contains("still go out", n.LastErrorMessage);
                Assert.Equal(1000 - 256, n.TxPending);
                timedOut.Set();

                // The peer reads again: the queued bytes go out; TxOk says so.
                Assert.True(SysPlus.WaitMsg(me, SocketEvent.TxOk, Bound, out TaskMessage m));
                Assert.Equal(NetError.None, m.Param);
                Assert.Equal(1000, n.BytesOut);
                LibNet.Close(me, Bound, n);
                n.Release();
            });
            SimPeer p = l.Accept(Bound);
            Assert.True(timedOut.Wait(Bound));
            Assert.InRange(ms, 290, 300 + Slack);
            byte[] got = new byte[1000];
            Assert.True(p.ReadExactly(got, 0, 1000, Bound));
            Assert.Equal(data, got);
            JoinAll();
        }

        [Fact]
        public void PartQueuedAtTheDeadlineCutsTheStream()
        {
            SimListener l = Sim.Listen(80);
            l.ReceiveWindow = 256;
            byte[] data = Pattern(10000, 2);
            long ms = 0;
            InTask(me =>
            {
                NetCtrl n = Connected(me);
                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(LibNet.Tx(me, 300, n, data, out bool full));
                ms = sw.ElapsedMilliseconds;
                Assert.False(full);
                Assert.Equal(NetError.Timeout, n.LastError);
                Assert.Contains("cut", n.LastErrorMessage);

                // The window took 256, the ring the next 1536: that much of the message is queued.
                Assert.Equal(256, n.BytesOut);
                Assert.Equal(NetCtrl.DefaultBufferSize, n.TxPending);
                LibNet.Close(me, 100, n);
                n.Release();
            });
            Assert.InRange(ms, 290, 300 + Slack);
        }

        [Fact]
        public void NothingQueuedBeforeTheDeadlineIsBufferFullAndNothingIsSent()
        {
            SimListener l = Sim.Listen(80);
            l.ReceiveWindow = 256;
            InTask(me =>
            {
                NetCtrl n = Connected(me);
                Assert.False(LibNet.Tx(me, 100, n, Pattern(256 + NetCtrl.DefaultBufferSize), out bool full));
                Assert.False(full);
                long before = n.BytesOut + n.TxPending;
                Stopwatch sw = Stopwatch.StartNew();
                Assert.True(LibNet.Tx(me, 300, n, Pattern(100), out full));
                Assert.True(full);
                Assert.InRange(sw.ElapsedMilliseconds, 290, 300 + Slack);
                Assert.Equal(before, n.BytesOut + n.TxPending);
                Assert.Equal(1, n.TxFullCount);
                LibNet.Close(me, 100, n);
                n.Release();
            });
        }

        [Fact]
        public void AResetWhileStreamingFailsWithReset()
        {
            SimListener l = Sim.Listen(80);
            l.ReceiveWindow = 256;
            l.ResetAfterBytes = 5000;
            InTask(me =>
            {
                NetCtrl n = Connected(me);
                SimPeer p = l.Accept(Bound);
                Thread reader = new Thread(() =>
                {
                    byte[] b = new byte[512];
                    while (p.Read(b, 0, b.Length, Bound) > 0)
                    {
                    }
                });
                reader.Start();
                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(LibNet.Tx(me, Bound, n, Pattern(64 * 1024), out bool full));
                Assert.True(sw.ElapsedMilliseconds < Slack, "the reset was seen after " + sw.ElapsedMilliseconds + " ms");
                Assert.False(full);
                Assert.Equal(NetError.Reset, n.LastError);
                Assert.Equal(NetCtrlState.Error, n.State);
                reader.Join(Bound);
                LibNet.Close(me, Bound, n);
                n.Release();
            });
        }

        [Fact]
        public void APeerThatHangsUpWhileStreamingFailsTheTxWithTheReason()
        {
            SimListener l = Sim.Listen(80);
            l.ReceiveWindow = 256;
            InTask(me =>
            {
                NetCtrl n = Connected(me);
                SimPeer p = l.Accept(Bound);
                byte[] b = new byte[100];
                Thread closer = new Thread(() =>
                {
                    // Read a little, then hang up in order.
                    p.ReadExactly(b, 0, b.Length, Bound);
                    p.Close();
                });
                closer.Start();
                Assert.False(LibNet.Tx(me, Bound, n, Pattern(64 * 1024), out bool full));
                Assert.False(full);

                // Bytes sent to a peer that closed are answered with a reset (TCP does the same).
                Assert.True(n.LastError == NetError.Reset || n.LastError == NetError.NotConnected, NetError.Name(n.LastError));
                Assert.NotEqual(NetCtrlState.Online, n.State);
                closer.Join(Bound);
                LibNet.Close(me, Bound, n);
                n.Release();
            });
        }
    }
}
