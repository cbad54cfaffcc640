using System.Threading;
using NanoLibNet.Tests.Core;
using Xunit;

namespace NanoLibNet.Tests.Concurrency
{
    /// <summary>
    /// Issue 10, defect 2: a connect that timed out before its job ran (or while it was blocked
    /// in a name lookup) must never act on the netc's next connect. On the old main, with both
    /// connect workers held by slow lookups, the timed-out job stayed queued and later ran
    /// against the reconnect's transport, as a second connect of it: two native sockets, one
    /// leaked, the live one closed by the second finisher (every run).
    /// </summary>
    public class StaleConnectJobTests : NetTest
    {
        [Fact]
        public void ATimedOutConnectsJobDoesNotTouchTheReconnect()
        {
            using (ManualResetEvent gate1 = new ManualResetEvent(false))
            using (ManualResetEvent gate2 = new ManualResetEvent(false))
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                // Name lookups block until their gate opens and ignore closes (as a device's DNS does).
                int slow2Lookups = 0;
                Adapter.Resolver = host =>
                {
                    if (host == "slow2.example")
                    {
                        Interlocked.Increment(ref slow2Lookups);
                        gate2.WaitOne(Bound * 3);
                    }
                    else
                    {
                        gate1.WaitOne(Bound * 3);
                    }

                    return Loopback.Ip;
                };

                // Two other tasks hold lookups (on the old main: both connect workers).
                NetCtrl[] blockers = new NetCtrl[2];
                for (int i = 0; i < 2; i++)
                {
                    int k = i;
                    StartTask(UniqueName("slowdns"), me =>
                    {
                        NetCtrl b = NetCtrl.Create(Adapter, me);
                        Volatile.Write(ref blockers[k], b);
                        Assert.True(LibNet.Connect(me, Bound * 2, b, "slow.example", peer.Port), NetError.Name(b.LastError));
                        LibNet.Close(me, Bound, b);
                        b.Release();
                    });
                }

                Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref blockers[0]) != null && Volatile.Read(ref blockers[1]) != null
                    && blockers[0].State == NetCtrlState.Connecting && blockers[1].State == NetCtrlState.Connecting, Bound));

                InTask(me =>
                {
                    NetCtrl n = NetCtrl.Create(Adapter, me);

                    // J1: a connect that cannot finish in time.
                    Assert.False(LibNet.Connect(me, 200, n, "slow.example", peer.Port));
                    Assert.Equal(NetError.Timeout, n.LastError);

                    // J2, the reconnect, also waits for a lookup. Once it is under way the first
                    // lookups end; the second ends when every connect job that will look it up
                    // has (old main: J1 and J2, both on J2's transport; now: J2 only, J1 having
                    // ended on its own closed socket).
                    ThreadPool.QueueUserWorkItem(_ =>
                    {
                        SpinWait.SpinUntil(() => n.State == NetCtrlState.Connecting, Bound);
                        gate1.Set();
                        SpinWait.SpinUntil(() => Volatile.Read(ref slow2Lookups) >= 2
                            || (Volatile.Read(ref slow2Lookups) == 1 && Adapter.ThreadCount <= 2), Bound);
                        gate2.Set();
                    });
                    Assert.True(LibNet.Connect(me, Bound, n, "slow2.example", peer.Port), NetError.Name(n.LastError) + " " + n.LastErrorMessage);

                    // The connection works, and keeps working.
                    for (int i = 0; i < 5; i++)
                    {
                        byte[] d = Loopback.Pattern(64, i);
                        Assert.Equal(d, TcpTests.Exchange(me, n, d));
                    }

                    Assert.Equal(NetCtrlState.Online, n.State);
                    LibNet.Close(me, Bound, n);
                    n.Release();
                });

                gate1.Set();
                gate2.Set();
                JoinAll();

                // One lookup and one native socket per connection, all closed: nothing from J1.
                Assert.True(Adapter.WaitIdle(Bound), "not idle: handles=" + Adapter.OpenHandles + " threads=" + Adapter.ThreadCount);
                Assert.Equal(0, Adapter.OpenHandles);
                Assert.Equal(1, slow2Lookups);
                Assert.Equal(3, peer.Accepted);
            }
        }
    }
}
