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
        /// <summary>Runs <paramref name="body"/> in a task; once <paramref name="during"/> holds and the task is blocked, takes the link down.</summary>
        private void DownDuring(Action<string> body, Func<bool> during)
        {
            string task = StartTask(UniqueName("link"), body);
            Until(() => during() && Blocked(task), "the blocking call is under way");
            Sim.SetLinkUp(false);
            JoinAll();
        }

        [Fact]
        public void WaitLinkTimesOutWhileDownAndReturnsTrueWhenTheLinkComesUp()
        {
            Sim.SetLinkUp(false);
            NetCtrl shared = null;
            string task = StartTask(UniqueName("wl"), me =>
            {
                NetCtrl n = Tcp(me);
                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(LibNet.WaitLink(me, 200, n));
                Assert.True(Ms(sw) >= 190);
                Volatile.Write(ref shared, n);
                Assert.True(LibNet.WaitLink(me, Bound, n));
                n.Release();
            });
            Until(() => Volatile.Read(ref shared) != null && Blocked(task), "the second WaitLink waits");
            Sim.SetLinkUp(true);
            JoinAll();
        }

        [Fact]
        public void WaitLinkGetsTheDownEventAsFalse()
        {
            Sim.SetLinkUp(false);
            NetCtrl shared = null;
            string task = StartTask(UniqueName("wl"), me =>
            {
                NetCtrl n = Tcp(me);
                Volatile.Write(ref shared, n);
                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(LibNet.WaitLink(me, Bound, n));
                Assert.True(Ms(sw) < Slack + 1000);
                n.Release();
            });
            Until(() => Volatile.Read(ref shared) != null && Blocked(task), "WaitLink waits");
            Sim.SetLinkUp(false);
            JoinAll();
        }

        [Fact]
        public void ConnectUnderWayFailsWithLinkDown()
        {
            Sim.SetBlackHole(SimulatedAdapter.PeerAddress, true);
            NetCtrl shared = null;
            DownDuring(me =>
            {
                NetCtrl n = Tcp(me);
                Volatile.Write(ref shared, n);
                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(LibNet.Connect(me, Bound, n, SimulatedAdapter.PeerAddress, 80));
                Assert.True(Ms(sw) < Bound - 1000, "connect waited for its deadline");
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
                Assert.False(LibNet.Connect(me, Bound, n, SimulatedAdapter.PeerAddress, 80));
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
            DownDuring(me =>
            {
                NetCtrl n = Tcp(me);
                MustConnect(me, n, 80);
                Volatile.Write(ref shared, n);
                Assert.False(LibNet.Wait(me, Bound, n, out bool ev));
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
            DownDuring(me =>
            {
                NetCtrl n = Tcp(me);
                MustConnect(me, n, 80);
                Volatile.Write(ref shared, n);
                // The peer never reads: 100 bytes fit its window, the rest waits for a TxOk that cannot come.
                Assert.False(LibNet.Tx(me, Bound, n, Pattern(1000), out bool full));
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
            DownDuring(me =>
            {
                NetCtrl n = Tcp(me, localPort: 8080);
                Volatile.Write(ref shared, n);
                Assert.False(LibNet.Listen(me, Bound, n));
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
