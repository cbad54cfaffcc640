using System.Diagnostics;
using System.Net.Sockets;
using System.Threading;
using NanoLibNet;
using Xunit;
using Xunit.Abstractions;

namespace NanoLibNet.Tests.Core
{
    /// <summary>LibNet.Wait's four outcomes: timeout, data, forced exit by SendMsg, peer reset.</summary>
    public class WaitTests : NetTest
    {
        /// <summary>How late a 200 ms timeout may end (its own bound: a timeout, not a wake-up).</summary>
        private const int TimeoutSlack = 250;
        private readonly ITestOutputHelper _out;

        public WaitTests(ITestOutputHelper output)
        {
            _out = output;
        }


        /// <summary>
        /// Runs <paramref name="body"/> in a task connected to a plain peer socket, which
        /// <paramref name="peer"/> gets on the test thread (with the task's name) while the task runs.
        /// </summary>
        private void WithPeer(SocketAdapter adapter, System.Action<string, NetCtrl> body, System.Action<Socket, string> peer)
        {
            using (Socket listener = Loopback.Listener())
            {
                string name = StartTask(UniqueName("wait"), me =>
                {
                    NetCtrl netc = NetCtrl.Create(adapter, me);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, Loopback.PortOf(listener)), netc.LastErrorMessage);
                    try
                    {
                        body(me, netc);
                    }
                    finally
                    {
                        netc.Release();
                    }
                });
                using (Socket s = Loopback.Accept(listener))
                {
                    peer(s, name);
                    JoinAll();
                }
            }
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void TimeoutReturnsTrueWithoutEvent(bool sweep)
        {
            long ms = 0;
            WithPeer(AdapterFor(sweep), (me, netc) =>
            {
                Stopwatch sw = Stopwatch.StartNew();
                Assert.True(LibNet.Wait(me, 200, netc, out bool ev));
                ms = sw.ElapsedMilliseconds;
                Assert.False(ev);
                Assert.Equal(NetCtrlState.Online, netc.State);
                Assert.True(netc.Rx(new byte[8], 0, 8, out int n));
                Assert.Equal(0, n);
            }, (s, name) => { });
            _out.WriteLine("Wait(200) timed out after " + ms + " ms");
            Assert.InRange(ms, 190, 200 + TimeoutSlack);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void DataEndsTheWait(bool sweep)
        {
            WatchedCall first = new WatchedCall();
            WithPeer(AdapterFor(sweep), (me, netc) =>
            {
                // First call: nothing there yet; the peer sends once this task is blocked in it,
                // so the wait is ended by the data coming, not by data already there: through the
                // engine's event (one message), or, where the task polls its own socket (the
                // device path; on the desktop its first millisecond), read by the task itself (no
                // message at all). (The task's mailbox counts a message before the task can take
                // it; the netc's EventsPosted is counted after the post, so it may lag.)
                int posted = MessagesPosted(me);
                bool ev = false;
                Assert.True(first.Run(() => LibNet.Wait(me, 10000, netc, out ev)));
                Assert.True(ev);
                Assert.InRange(MessagesPosted(me) - posted, 0, sweep ? 0 : 1);
                byte[] buf = new byte[16];

                // Take 3 of the 5 bytes (one segment); the rest is already waiting, so the next
                // Wait returns (true, true) at once without an event.
                Assert.True(netc.Rx(buf, 0, 3, out int n));
                Assert.Equal(3, n);
                Assert.Equal(new byte[] { 7, 8, 9 }, buf[..3]);
                posted = MessagesPosted(me);
                Assert.True(LibNet.Wait(me, 10000, netc, out ev));
                Assert.True(ev);
                Assert.Equal(posted, MessagesPosted(me));
                Assert.True(netc.Rx(buf, 0, buf.Length, out n));
                Assert.Equal(2, n);
                Assert.Equal(new byte[] { 1, 2 }, buf[..2]);
            }, (s, name) =>
            {
                UntilBlocked(name, first);
                first.Act();
                s.Send(new byte[] { 7, 8, 9, 1, 2 });
            });
            _out.WriteLine("data ended the wait " + first.MsFromActToReturn + " ms after it was sent");
            first.AssertEndedAtOnce("the wait");
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void SendMsgFromAnotherThreadForcesTheWaitOpen(bool sweep)
        {
            WatchedCall watched = new WatchedCall();
            WithPeer(AdapterFor(sweep), (me, netc) =>
            {
                bool ev = false;
                Assert.True(watched.Run(() => LibNet.Wait(me, 10000, netc, out ev)));
                Assert.True(ev);

                // Forced: nothing to read, the connection is fine.
                Assert.True(netc.Rx(new byte[8], 0, 8, out int n));
                Assert.Equal(0, n);
                Assert.Equal(NetCtrlState.Online, netc.State);

                // The forced exit is used up: the next Wait times out.
                Assert.True(LibNet.Wait(me, 50, netc, out ev));
                Assert.False(ev);
            }, (s, name) =>
            {
                UntilBlocked(name, watched);
                bool sent = false;
                Thread t = new Thread(() =>
                {
                    watched.Act();
                    sent = SysPlus.SendMsg(name, SocketEvent.Event, 0);
                });
                t.Start();
                t.Join();
                Assert.True(sent);
            });
            _out.WriteLine("forced exit " + watched.MsFromActToReturn + " ms after the message");
            watched.AssertEndedAtOnce("the wait");
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void PeerResetEndsTheWaitWithFalse(bool sweep)
        {
            WatchedCall watched = new WatchedCall();
            WithPeer(AdapterFor(sweep), (me, netc) =>
            {
                bool ev = true;
                Assert.False(watched.Run(() => LibNet.Wait(me, 10000, netc, out ev)));
                Assert.False(ev);
                Assert.Equal(NetCtrlState.Error, netc.State);
                Assert.Equal(NetError.Reset, netc.LastError);

                // Sticky: every later call says so at once.
                Assert.False(LibNet.Wait(me, 10000, netc, out ev));
                Assert.False(ev);
                Assert.Equal(NetError.Reset, netc.LastError);
                Assert.False(netc.Rx(new byte[8], 0, 8, out int n));
                Assert.False(LibNet.Tx(me, 10000, netc, new byte[1], out bool full));
            }, (s, name) =>
            {
                UntilBlocked(name, watched);
                s.LingerState = new LingerOption(true, 0);
                watched.Act();
                s.Close();
            });
            watched.AssertEndedAtOnce("the wait");
        }

        [Fact]
        public void WaitOnAnUnconnectedNetcFails()
        {
            InTask(me =>
            {
                NetCtrl netc = NetCtrl.Create(Adapter, me);
                Assert.False(LibNet.Wait(me, 10000, netc, out bool ev));
                Assert.False(ev);
                Assert.Equal(NetError.NotConnected, netc.LastError);
                netc.Release();
            });
        }

        [Fact]
        public void TimeoutZeroWaitsForever()
        {
            // 0 is "forever" (LuatOS): the wait, once blocked, is still open after 300 ms and ends only when forced.
            WatchedCall watched = new WatchedCall();
            using ManualResetEventSlim returned = new ManualResetEventSlim();
            WithPeer(Adapter, (me, netc) =>
            {
                bool ev = false;
                Assert.True(watched.Run(() => LibNet.Wait(me, 0, netc, out ev)));
                returned.Set();
                Assert.True(ev);
            }, (s, name) =>
            {
                UntilBlocked(name, watched);
                Assert.False(returned.Wait(300), "Wait(0) returned at once");
                watched.Act();
                Assert.True(SysPlus.SendMsg(name, SocketEvent.Event, 0));
                Assert.True(returned.Wait(10000));
            });
            watched.AssertEndedAtOnce("Wait(0) forced open");
        }
    }
}