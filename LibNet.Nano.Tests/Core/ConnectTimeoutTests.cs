using System.Diagnostics;
using NanoLibNet;
using Xunit;
using Xunit.Abstractions;

namespace NanoLibNet.Tests.Core
{
    /// <summary>
    /// Connect failures: a closed port fails fast with Refused; a peer that never completes the
    /// handshake is abandoned at the deadline (the worker blocked in Socket.Connect is woken by
    /// closing its socket, as on the device) and nothing is left behind.
    /// </summary>
    public class ConnectTimeoutTests : NetTest
    {
        /// <summary>Slack over a timeout a loaded 2-core machine is allowed (still far below the next order of magnitude).</summary>
        private const int TimeoutSlack = 250;

        private readonly ITestOutputHelper _out;

        public ConnectTimeoutTests(ITestOutputHelper output)
        {
            _out = output;
        }


        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ClosedPortIsRefusedQuickly(bool sweep)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            int port = Loopback.FreePort();
            long ms = 0;
            InTask(me =>
            {
                NetCtrl netc = NetCtrl.Create(adapter, me);
                Stopwatch sw = Stopwatch.StartNew();
                Assert.False(LibNet.Connect(me, 10000, netc, Loopback.Ip, port));
                ms = sw.ElapsedMilliseconds;
                Assert.Equal(NetError.Refused, netc.LastError);
                Assert.NotNull(netc.LastErrorMessage);
                Assert.Equal(NetCtrlState.Error, netc.State);

                // A failed netc may try again (and fails the same way).
                Assert.False(LibNet.Connect(me, 10000, netc, Loopback.Ip, port));
                Assert.Equal(NetError.Refused, netc.LastError);
                netc.Release();
            });
            _out.WriteLine("refused after " + ms + " ms");
            Assert.True(ms < 1000, "refused connect took " + ms + " ms");
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void NeverCompletingHandshakeTimesOutAndLeavesNothing(bool sweep)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            using (StalledListener peer = new StalledListener())
            {
                _out.WriteLine("accept queue filled by " + peer.Filled + " connection(s)");
                long ms = 0;
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(adapter, me);
                    Stopwatch sw = Stopwatch.StartNew();
                    Assert.False(LibNet.Connect(me, 300, netc, Loopback.Ip, peer.Port));
                    ms = sw.ElapsedMilliseconds;
                    Assert.Equal(NetError.Timeout, netc.LastError);
                    Assert.Equal(NetCtrlState.Error, netc.State);
                    Assert.Contains("300 ms", netc.LastErrorMessage);

                    // The aborted connect's socket is closed at once; its worker may still be unwinding.
                    Assert.Equal(0, adapter.OpenHandles);
                    netc.Release();
                });

                Stopwatch idle = Stopwatch.StartNew();
                Assert.True(adapter.WaitIdle(10000), "not idle: threads=" + adapter.ThreadCount + " handles=" + adapter.OpenHandles);
                _out.WriteLine("timed out after " + ms + " ms; adapter idle " + idle.ElapsedMilliseconds + " ms later");
                Assert.Equal(0, adapter.SocketCount);
                Assert.Equal(0, adapter.OpenHandles);
                Assert.Equal(0, adapter.ThreadCount);
                Assert.InRange(ms, 290, 300 + TimeoutSlack);
            }
        }

        [Fact]
        public void TimedOutNetcConnectsAgainElsewhere()
        {
            using (StalledListener stalled = new StalledListener())
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    Assert.False(LibNet.Connect(me, 200, netc, Loopback.Ip, stalled.Port));
                    Assert.Equal(NetError.Timeout, netc.LastError);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, peer.Port), netc.LastErrorMessage);
                    byte[] d = Loopback.Pattern(64);
                    Assert.Equal(d, TcpTests.Exchange(me, netc, d));
                    LibNet.Close(me, 10000, netc);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void SeveralTimedOutConnectsAtOnceLeaveNothing()
        {
            // More connects than workers (2): the queued ones must also end at their deadline.
            using (StalledListener peer = new StalledListener())
            {
                long[] ms = new long[4];
                for (int i = 0; i < ms.Length; i++)
                {
                    int k = i;
                    StartTask(UniqueName("stall" + i), me =>
                    {
                        NetCtrl netc = NetCtrl.Create(Adapter, me);
                        Stopwatch sw = Stopwatch.StartNew();
                        Assert.False(LibNet.Connect(me, 300, netc, Loopback.Ip, peer.Port));
                        ms[k] = sw.ElapsedMilliseconds;
                        Assert.Equal(NetError.Timeout, netc.LastError);
                        netc.Release();
                    });
                }

                JoinAll();
                Assert.True(Adapter.WaitIdle(10000));
                _out.WriteLine("timed out after " + string.Join(", ", ms) + " ms");
                foreach (long m in ms)
                {
                    Assert.InRange(m, 290, 300 + TimeoutSlack);
                }
            }
        }
    }
}
