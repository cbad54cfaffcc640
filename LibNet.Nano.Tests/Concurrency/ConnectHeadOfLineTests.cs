using System.Diagnostics;
using System.Threading;
using NanoLibNet.Tests.Core;
using Xunit;
using Xunit.Abstractions;

namespace NanoLibNet.Tests.Concurrency
{
    /// <summary>
    /// Issue 9, item 1: no connect waits behind another. On the old main two connect workers ran
    /// the connects in FIFO order, so connects to a dead host held up a connect to a live one
    /// (it failed with Timeout every run), and a burst past the queue got Busy.
    /// </summary>
    public class ConnectHeadOfLineTests : NetTest
    {
        private const int Slack = 1500;
        private readonly ITestOutputHelper _out;

        public ConnectHeadOfLineTests(ITestOutputHelper output)
        {
            _out = output;
        }

        [Fact]
        public void ALiveConnectIsNotHeldUpByConnectsToADeadHost()
        {
            using (StalledListener dead = new StalledListener())
            using (EchoPeer live = EchoPeer.Tcp())
            {
                int blocked = 0;
                for (int i = 0; i < 3; i++)
                {
                    StartTask(UniqueName("dead"), me =>
                    {
                        NetCtrl d = NetCtrl.Create(Adapter, me);
                        Interlocked.Increment(ref blocked);
                        Assert.False(LibNet.Connect(me, 3000, d, Loopback.Ip, dead.Port));
                        Assert.Equal(NetError.Timeout, d.LastError);
                        d.Release();
                    });
                }

                // The three are under way (each is Connecting) before the live one starts.
                Assert.True(SpinWait.SpinUntil(() => Volatile.Read(ref blocked) == 3 && Adapter.SocketCount == 3, Bound));
                long ms = -1;
                InTask(me =>
                {
                    NetCtrl n = NetCtrl.Create(Adapter, me);
                    Stopwatch sw = Stopwatch.StartNew();
                    Assert.True(LibNet.Connect(me, 1000, n, Loopback.Ip, live.Port), "live connect: " + NetError.Name(n.LastError));
                    ms = sw.ElapsedMilliseconds;
                    byte[] d = Loopback.Pattern(32);
                    Assert.Equal(d, TcpTests.Exchange(me, n, d));
                    LibNet.Close(me, Bound, n);
                    n.Release();
                });
                _out.WriteLine("live connect took " + ms + " ms while 3 connects to a dead host were under way");
                JoinAll();
            }
        }

        [Fact]
        public void FiftyConnectsAtOnceSomeToADeadHostNoBusyAndEachWithinItsDeadline()
        {
            using (StalledListener dead = new StalledListener())
            using (EchoPeer live = EchoPeer.Tcp())
            {
                const int Tasks = 50;
                const int DeadTimeout = 1000;
                long[] ms = new long[Tasks];
                int[] errors = new int[Tasks];
                bool[] ok = new bool[Tasks];
                using (ManualResetEventSlim go = new ManualResetEventSlim())
                {
                    for (int i = 0; i < Tasks; i++)
                    {
                        int k = i;
                        bool toDead = k % 3 == 0;
                        StartTask(UniqueName("burst"), me =>
                        {
                            NetCtrl n = NetCtrl.Create(Adapter, me);
                            go.Wait();
                            Stopwatch sw = Stopwatch.StartNew();
                            ok[k] = LibNet.Connect(me, toDead ? DeadTimeout : Bound, n, Loopback.Ip, toDead ? dead.Port : live.Port);
                            ms[k] = sw.ElapsedMilliseconds;
                            errors[k] = n.LastError;
                            if (ok[k])
                            {
                                byte[] d = Loopback.Pattern(16, k);
                                Assert.Equal(d, TcpTests.Exchange(me, n, d));
                                LibNet.Close(me, Bound, n);
                            }

                            n.Release();
                        });
                    }

                    Assert.True(SpinWait.SpinUntil(() => Adapter.SocketCount == Tasks, Bound));
                    go.Set();
                    JoinAll();
                }

                long slowestLive = 0;
                long slowestDead = 0;
                for (int k = 0; k < Tasks; k++)
                {
                    Assert.NotEqual(NetError.Busy, errors[k]);
                    if (k % 3 == 0)
                    {
                        Assert.False(ok[k]);
                        Assert.Equal(NetError.Timeout, errors[k]);
                        Assert.InRange(ms[k], DeadTimeout - 10, DeadTimeout + Slack);
                        slowestDead = System.Math.Max(slowestDead, ms[k]);
                    }
                    else
                    {
                        Assert.True(ok[k], "live connect " + k + " failed: " + NetError.Name(errors[k]));
                        slowestLive = System.Math.Max(slowestLive, ms[k]);
                    }
                }

                _out.WriteLine("slowest live connect " + slowestLive + " ms, slowest dead one " + slowestDead + " ms");
                Assert.True(slowestLive < DeadTimeout, "a live connect waited " + slowestLive + " ms: behind the dead ones");
            }
        }
    }
}
