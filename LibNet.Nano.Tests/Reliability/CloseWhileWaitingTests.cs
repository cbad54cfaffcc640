using System;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Reliability
{
    /// <summary>
    /// Another task closes (or releases) a netc while its owner is blocked on it: the blocked
    /// call returns a failure at once, for each blocking call.
    /// </summary>
    public class CloseWhileWaitingTests : SimTest
    {
        /// <summary>
        /// Owner task runs <paramref name="call"/> (the blocking call; returns its result) once
        /// <paramref name="setup"/> made the netc; a second task closes or releases it when
        /// <paramref name="during"/> holds and the owner is blocked.
        /// </summary>
        private void CloseDuring(Func<string, NetCtrl> setup, Func<string, NetCtrl, bool> call, Func<NetCtrl, bool> during, bool release)
        {
            NetCtrl shared = null;
            WatchedCall watched = new WatchedCall();
            bool result = true;
            string owner = StartTask(UniqueName("owner"), me =>
            {
                NetCtrl n = setup(me);
                Volatile.Write(ref shared, n);
                result = watched.Run(() => call(me, n));
                if (n.State != NetCtrlState.Released)
                {
                    n.Release();
                }
            });
            StartTask(UniqueName("closer"), me =>
            {
                UntilBlocked(owner, watched, () => Volatile.Read(ref shared) != null && during(shared));
                watched.Act();
                if (release)
                {
                    shared.Release();
                }
                else
                {
                    shared.Close();
                }
            });
            JoinAll();
            Assert.False(result, "the blocked call must return a failure");
            watched.AssertEndedAtOnce("the blocked call");
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Wait(bool release)
        {
            SimListener l = Sim.Listen(80);
            CloseDuring(
                me => Connected(me),
                (me, n) =>
                {
                    bool ok = LibNet.Wait(me, Bound, n, out bool ev);
                    Assert.False(ev);
                    return ok;
                },
                n => true,
                release);
            l.Close();
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Connect(bool release)
        {
            Sim.SetBlackHole(SimulatedAdapter.PeerAddress, true);
            CloseDuring(
                me => Tcp(me),
                (me, n) => LibNet.Connect(me, Bound, n, SimulatedAdapter.PeerAddress, 80),
                n => n.State == NetCtrlState.Connecting,
                release);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ConnectDuringSlowDns(bool release)
        {
            Sim.AddHost("svc.sim", SimulatedAdapter.PeerAddress);
            Sim.DnsDelayMs = 30000;
            CloseDuring(
                me => Tcp(me),
                (me, n) => LibNet.Connect(me, Bound, n, "svc.sim", 80),
                n => n.State == NetCtrlState.Connecting,
                release);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Listen(bool release)
        {
            CloseDuring(
                me => Tcp(me, localPort: 8080),
                (me, n) => LibNet.Listen(me, Bound, n),
                n => n.State == NetCtrlState.Listening,
                release);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Tx(bool release)
        {
            SimListener l = Sim.Listen(80);
            l.ReceiveWindow = 100;
            CloseDuring(
                me => Connected(me),
                (me, n) => LibNet.Tx(me, Bound, n, Pattern(1000), out bool full),
                n => n.TxPending > 0,
                release);
            l.Close();
        }

        [Fact]
        public void WaitLinkEndsWhenAnotherTaskReleasesTheNetc()
        {
            Sim.SetLinkUp(false);
            CloseDuring(
                me => Tcp(me),
                (me, n) => LibNet.WaitLink(me, Bound, n),
                n => true,
                release: true);
        }
    }
}
