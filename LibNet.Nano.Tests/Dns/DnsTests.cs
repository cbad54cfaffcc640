using System.Diagnostics;
using System.Net.Sockets;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests
{
    /// <summary>Names resolve inside the Connect deadline; no test asks real DNS (resolvers are injected; "localhost" is the system's).</summary>
    public class DnsTests : NetTest
    {
        [Fact]
        public void UnresolvableNameFailsWithHostNotFound()
        {
            Adapter.Resolver = host => null;
            InTask(me =>
            {
                NetCtrl netc = NetCtrl.Create(Adapter, me);
                Assert.False(LibNet.Connect(me, Bound, netc, "nosuch.invalid", 80));
                Assert.Equal(NetError.HostNotFound, netc.LastError);
                Assert.Contains("nosuch.invalid", netc.LastErrorMessage);
                Assert.Contains("did not resolve", netc.LastErrorMessage);
                netc.Release();
            });
        }

        [Fact]
        public void ResolvedNameConnects()
        {
            Adapter.Resolver = host => host == "echo.test" ? "127.0.0.1" : null;
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    Assert.True(LibNet.Connect(me, Bound, netc, "echo.test", peer.Port), netc.LastErrorMessage);
                    Assert.StartsWith("127.0.0.1:", netc.RemoteEndPoint);
                    LibNet.Close(me, Bound, netc);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void LocalhostResolvesThroughTheSystem()
        {
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    Assert.True(LibNet.Connect(me, Bound, netc, "localhost", peer.Port), netc.LastErrorMessage);
                    LibNet.Close(me, Bound, netc);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void SlowResolverNeverHoldsTheTaskPastItsDeadline()
        {
            using (ManualResetEventSlim entered = new ManualResetEventSlim())
            using (ManualResetEventSlim release = new ManualResetEventSlim())
            {
                Adapter.Resolver = host =>
                {
                    entered.Set();
                    release.Wait(Bound * 3);
                    return host == "slow.test" ? "127.0.0.1" : null;
                };
                const int deadline = 500;
                try
                {
                    InTask(me =>
                    {
                        NetCtrl netc = NetCtrl.Create(Adapter, me);
                        Stopwatch sw = Stopwatch.StartNew();
                        Assert.False(LibNet.Connect(me, deadline, netc, "slow.test", 80));
                        long took = sw.ElapsedMilliseconds;
                        Assert.True(entered.IsSet, "the resolver was never asked");
                        Assert.True(took >= deadline - 50, "returned after " + took + " ms, before the deadline");
                        Assert.True(took < deadline + 1000, "returned after " + took + " ms");
                        Assert.Equal(NetError.Timeout, netc.LastError);
                        netc.Release();
                    });

                    // The task is gone and the engine ends with its last socket; the worker is
                    // still inside the resolver, so the adapter is not idle.
                    Assert.True(SpinWait.SpinUntil(() => Adapter.ThreadCount == 1, Bound), "threads=" + Adapter.ThreadCount);
                    Assert.False(Adapter.WaitIdle(200));
                    Assert.Equal(1, Adapter.ThreadCount);
                }
                finally
                {
                    release.Set();
                }

                // Released, the worker finds its socket closed, reports nothing and ends.
                Assert.True(Adapter.WaitIdle(Bound), "threads=" + Adapter.ThreadCount + " handles=" + Adapter.OpenHandles);
                Assert.Equal(0, Adapter.ThreadCount);
                Assert.Equal(0, Adapter.OpenHandles);
            }
        }
    }

    /// <summary>Config's keepalive idle/interval/count reach the socket (desktop .NET on Linux reads them back).</summary>
    public class KeepAliveTests : NetTest
    {
        [Fact]
        public void KeepAliveOptionsAreOnTheSocket()
        {
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    Assert.True(netc.Config(0, false, false, 7, 3, 4, null, null, null, null, 1024, 1024));
                    Assert.True(LibNet.Connect(me, Bound, netc, "127.0.0.1", peer.Port));
                    Socket s = ((SocketTransport)netc.Transport).Socket;
                    Assert.NotEqual(0, (int)s.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive));
                    Assert.Equal(7, (int)s.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime));
                    Assert.Equal(3, (int)s.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval));
                    Assert.Equal(4, (int)s.GetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount));
                    LibNet.Close(me, Bound, netc);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void KeepAliveIsOffByDefault()
        {
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    Assert.True(LibNet.Connect(me, Bound, netc, "127.0.0.1", peer.Port));
                    Socket s = ((SocketTransport)netc.Transport).Socket;
                    Assert.Equal(0, (int)s.GetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive));
                    LibNet.Close(me, Bound, netc);
                    netc.Release();
                });
            }
        }
    }
}
