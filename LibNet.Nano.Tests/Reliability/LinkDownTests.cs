using System;
using System.Diagnostics;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Reliability
{
    /// <summary>The link goes down during each blocking call: a failure result at once, never a hang.</summary>
    public class LinkDownTests : SimTest
    {
        /// <summary>
        /// Runs <paramref name="body"/> in a task, which makes its blocking call through the
        /// <see cref="WatchedCall"/> it gets; once <paramref name="during"/> holds and the task is
        /// blocked in that call, takes the link down; the call must end at once.
        /// </summary>
        private void DownDuring(Action<string, WatchedCall> body, Func<bool> during)
        {
            WatchedCall watched = new WatchedCall();
            string task = StartTask(UniqueName("link"), me => body(me, watched));
            UntilBlocked(task, watched, during);
            watched.Act();
            Sim.SetLinkUp(false);
            JoinAll();
            watched.AssertEndedAtOnce("the blocked call");
        }

        [Fact]
        public void WaitLinkTimesOutWhileDownAndReturnsTrueWhenTheLinkComesUp()
        {
            Sim.SetLinkUp(false);
            WatchedCall second = new WatchedCall();
            string task = StartTask(UniqueName("wl"), me =>
            {
                NetCtrl n = Tcp(me);
                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(LibNet.WaitLink(me, 200, n));
                Assert.True(Ms(sw) >= 190);
                Assert.True(second.Run(() => LibNet.WaitLink(me, Bound, n)));
                n.Release();
            });
            UntilBlocked(task, second);
            second.Act();
            Sim.SetLinkUp(true);
            JoinAll();
            second.AssertEndedAtOnce("WaitLink when the link came up");
        }

        [Fact]
        public void WaitLinkGetsTheDownEventAsFalse()
        {
            Sim.SetLinkUp(false);
            WatchedCall watched = new WatchedCall();
            string task = StartTask(UniqueName("wl"), me =>
            {
                NetCtrl n = Tcp(me);
                Assert.False(watched.Run(() => LibNet.WaitLink(me, Bound, n)));
                n.Release();
            });
            UntilBlocked(task, watched);
            watched.Act();
            Sim.SetLinkUp(false);
            JoinAll();
            watched.AssertEndedAtOnce("WaitLink on a link-down event");
        }

        [Fact]
        public void ConnectUnderWayFailsWithLinkDown()
        {
            Sim.SetBlackHole(SimulatedAdapter.PeerAddress, true);
            NetCtrl shared = null;
            DownDuring((me, watched) =>
            {
                NetCtrl n = Tcp(me);
                Volatile.Write(ref shared, n);
                Assert.False(watched.Run(() => LibNet.Connect(me, Bound, n, SimulatedAdapter.PeerAddress, 80)));
                Assert.Equal(NetError.LinkDown, n.LastError);
                n.Release();
            }, () => Volatile.Read(ref shared)?.State == NetCtrlState.Connecting);
        }

        [Fact]
        public void ConnectWhileDownFailsAtOnce()
        {
            Sim.Listen(80).Echo = true;
            Sim.SetLinkUp(false);
            InTask(me =>
            {
                NetCtrl n = Tcp(me);
                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(LibNet.Connect(me, Bound, n, SimulatedAdapter.PeerAddress, 80));
                Assert.True(Ms(sw) < Slack, "a connect while the link is down took " + Ms(sw) + " ms");
                Assert.Equal(NetError.LinkDown, n.LastError);
                Assert.False(LibNet.WaitLink(me, 100, n));
                n.Release();
            });
        }

        [Fact]
        public void WaitFailsWithLinkDown()
        {
            SimListener l = Sim.Listen(80);
            NetCtrl shared = null;
            DownDuring((me, watched) =>
            {
                NetCtrl n = Connected(me);
                Volatile.Write(ref shared, n);
                bool ev = true;
                Assert.False(watched.Run(() => LibNet.Wait(me, Bound, n, out ev)));
                Assert.False(ev);
                Assert.Equal(NetError.LinkDown, n.LastError);
                n.Release();
            }, () => Volatile.Read(ref shared) != null);
            l.Close();
        }

        [Fact]
        public void TxWaitingForTxOkFailsWithLinkDown()
        {
            SimListener l = Sim.Listen(80);
            l.ReceiveWindow = 100;
            NetCtrl shared = null;
            DownDuring((me, watched) =>
            {
                NetCtrl n = Connected(me);
                Volatile.Write(ref shared, n);
                // The peer never reads: 100 bytes fit its window, the rest waits for a TxOk that cannot come.
                bool full = true;
                Assert.False(watched.Run(() => LibNet.Tx(me, Bound, n, Pattern(1000), out full)));
                Assert.False(full);
                Assert.Equal(NetError.LinkDown, n.LastError);
                n.Release();
            }, () => Volatile.Read(ref shared)?.TxPending > 0);
            l.Close();
        }

        [Fact]
        public void ListenFailsWithLinkDownAndWorksAgainWhenUp()
        {
            NetCtrl shared = null;
            DownDuring((me, watched) =>
            {
                NetCtrl n = Tcp(me, localPort: 8080);
                Volatile.Write(ref shared, n);
                Assert.False(watched.Run(() => LibNet.Listen(me, Bound, n)));
                Assert.Equal(NetError.LinkDown, n.LastError);
                Assert.False(LibNet.Listen(me, Bound, n), "Listen while the link is down");
                n.Release();
            }, () => Volatile.Read(ref shared)?.State == NetCtrlState.Listening);

            Sim.SetLinkUp(true);
            NetCtrl listener = null;
            string task = StartTask(UniqueName("listen"), me =>
            {
                NetCtrl n = Tcp(me, localPort: 8080);
                Assert.True(LibNet.WaitLink(me, Bound, n));
                Volatile.Write(ref listener, n);
                Assert.True(LibNet.Listen(me, Bound, n));
                Assert.True(n.Accept(me, out NetCtrl c));
                c.Release();
                n.Release();
            });
            Until(() => Volatile.Read(ref listener)?.State == NetCtrlState.Listening, "listening again");
            SimPeer p = Sim.Connect(8080);
            Assert.NotNull(p);
            JoinAll();
            Assert.True(p.WaitClosed(Bound));
        }
    }
}
