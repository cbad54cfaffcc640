using System;
using System.Net.Sockets;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Core
{
    /// <summary>Close is graceful (queued data first, then Closed) and frees the socket; Release makes every call throw.</summary>
    public class CloseTests : NetTest
    {
        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void CloseSendsWhatIsQueuedWaitsForClosedAndFreesTheSocket(bool sweep)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            byte[] data = Loopback.Pattern(60000);
            using (Socket listener = Loopback.Listener())
            {
                StartTask(UniqueName("close"), me =>
                {
                    NetCtrl netc = NetCtrl.Create(adapter, me);
                    netc.Config(0, false, false, 0, 0, 0, null, null, null, null, 1536, 60000);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, Loopback.PortOf(listener)));
                    Assert.Equal(1, adapter.OpenHandles);

                    // Queued at the socket layer, not waited for: Close must send it all before it closes.
                    Assert.True(netc.Tx(data, 0, data.Length, out bool full, out bool done));
                    Assert.False(full);
                    LibNet.Close(me, 10000, netc);
                    Assert.Equal(NetCtrlState.Closed, netc.State);
                    Assert.Equal(data.Length, netc.BytesOut);
                    Assert.Equal(0, netc.BytesDropped);
                    Assert.Equal(0, adapter.OpenHandles);
                    Assert.Null(netc.RemoteEndPoint);

                    // Nothing of the old connection is left in the mailbox, and Close again is harmless.
                    if (SysPlus.WaitMsg(me, 1, out TaskMessage stale))
                    {
                        Assert.Fail("stale message " + stale.Id + "/" + stale.Param + " from " + (stale.Source == netc ? "the netc" : "elsewhere"));
                    }
                    LibNet.Close(me, 10000, netc);
                    Assert.Equal(NetCtrlState.Closed, netc.State);
                    Assert.Equal(1, adapter.SocketCount);
                    netc.Release();
                    Assert.Equal(0, adapter.SocketCount);
                    Assert.Equal(NetCtrlState.Released, netc.State);
                });

                using (Socket peer = Loopback.Accept(listener))
                {
                    Assert.Equal(data, Loopback.ReadToEnd(peer));
                }

                JoinAll();
            }
        }

        [Fact]
        public void CloseOfAListenerFreesItsPortAndWaitingClients()
        {
            int port = Loopback.FreePort();
            ManualResetEventSlim listening = new ManualResetEventSlim();
            ManualResetEventSlim connected = new ManualResetEventSlim();
            StartTask(UniqueName("lclose"), me =>
            {
                NetCtrl l = NetCtrl.Create(Adapter, me);
                l.Config(port, false, false);
                Assert.True(l.Listen(out bool waiting));
                listening.Set();
                Assert.True(LibNet.Listen(me, 10000, l));
                Assert.Equal(1, l.AcceptPending);
                Assert.Equal(2, Adapter.OpenHandles);
                LibNet.Close(me, 10000, l);
                Assert.Equal(NetCtrlState.Closed, l.State);
                Assert.Equal(0, l.AcceptPending);
                Assert.Equal(0, Adapter.OpenHandles);

                // The port is free again: the same netc listens on it once more.
                Assert.True(l.Listen(out waiting), l.LastErrorMessage);
                Assert.Equal(NetCtrlState.Listening, l.State);
                l.Release();
                Assert.Equal(0, Adapter.OpenHandles);
            });
            Assert.True(listening.Wait(10000));
            using (Socket c = Loopback.Client(port))
            {
                JoinAll();
                // The client that was never accepted was closed by the listener's close.
                Assert.Equal(0, c.Receive(new byte[1]));
            }
        }

        [Fact]
        public void ReleasedNetcThrowsOnEveryCall()
        {
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, peer.Port));
                    netc.Release();
                    Assert.Equal(NetCtrlState.Released, netc.State);
                    Assert.Equal(0, Adapter.OpenHandles);
                    Assert.Equal(0, Adapter.SocketCount);
                    byte[] b = new byte[8];
                    byte[] a = new byte[16];

                    Assert.Throws<ObjectDisposedException>(() => netc.Config(0, false, false));
                    Assert.Throws<ObjectDisposedException>(() => netc.LinkUp(out bool l));
                    Assert.Throws<ObjectDisposedException>(() => netc.Connect(Loopback.Ip, peer.Port, out bool c));
                    Assert.Throws<ObjectDisposedException>(() => netc.Listen(out bool acc));
                    Assert.Throws<ObjectDisposedException>(() => netc.Accept(me, out NetCtrl cl));
                    Assert.Throws<ObjectDisposedException>(() => netc.Tx(b, 0, 1, out bool f, out bool d));
                    Assert.Throws<ObjectDisposedException>(() => netc.Tx(b, 0, 1, Loopback.Ip, peer.Port, out bool f, out bool d));
                    Assert.Throws<ObjectDisposedException>(() => netc.Rx(b, 0, 1, out int r));
                    Assert.Throws<ObjectDisposedException>(() => netc.Rx(b, 0, 1, out int r, out string h, out int p));
                    Assert.Throws<ObjectDisposedException>(() => netc.Rx(b, 0, 1, out int r, a, out int al, out int p));
                    Assert.Throws<ObjectDisposedException>(() => netc.Wait(out bool e));
                    Assert.Throws<ObjectDisposedException>(() => netc.Discon(out bool c));
                    Assert.Throws<ObjectDisposedException>(() => netc.Close());

                    Assert.Throws<ObjectDisposedException>(() => LibNet.WaitLink(me, 10000, netc));
                    Assert.Throws<ObjectDisposedException>(() => LibNet.Connect(me, 10000, netc, Loopback.Ip, peer.Port));
                    Assert.Throws<ObjectDisposedException>(() => LibNet.Listen(me, 10000, netc));
                    Assert.Throws<ObjectDisposedException>(() => LibNet.Tx(me, 10000, netc, b, out bool f));
                    Assert.Throws<ObjectDisposedException>(() => LibNet.Tx(me, 10000, netc, b, 0, 1, out bool f));
                    Assert.Throws<ObjectDisposedException>(() => LibNet.Wait(me, 10000, netc, out bool e));
                    Assert.Throws<ObjectDisposedException>(() => LibNet.Close(me, 10000, netc));

                    // Release and Dispose again are no-ops.
                    netc.Release();
                    netc.Dispose();
                });
            }
        }

        [Fact]
        public void CloseFromAnotherTaskEndsAWaitOnTheNetc()
        {
            // The owner waits; another task force-closes its netc (Close is a socket-layer call)
            // once the owner is blocked in the wait: the wait ends at once instead of at its timeout.
            NetCtrl shared = null;
            WatchedCall watched = new WatchedCall();
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                string owner = StartTask(UniqueName("owner"), me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, peer.Port));
                    Volatile.Write(ref shared, netc);
                    bool ev = true;
                    Assert.False(watched.Run(() => LibNet.Wait(me, 10000, netc, out ev)));
                    Assert.False(ev);
                    Assert.Equal(NetCtrlState.Closed, netc.State);
                    netc.Release();
                });
                UntilBlocked(owner, watched);
                StartTask(UniqueName("closer"), me =>
                {
                    watched.Act();
                    Volatile.Read(ref shared).Close();
                });
                JoinAll();
            }

            watched.AssertEndedAtOnce("the wait");
        }
    }
}
