using System.Net.Sockets;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Core
{
    /// <summary>
    /// TCP netcs send each Tx at once (TCP_NODELAY) unless told otherwise, and a listener hands its
    /// setting to the clients it accepts (MQTT finding 3: with Nagle on, a QoS 1 publish right after
    /// an acknowledgement waited 100 to 300 ms for the peer's delayed ACK).
    /// </summary>
    public class NoDelayTests : NetTest
    {
        private static bool SocketNoDelay(NetCtrl n)
        {
            return ((SocketTransport)n.Transport).Socket.NoDelay;
        }

        [Fact]
        public void ConnectedAndAcceptedSocketsHaveNagleOffByDefaultAndOnWhenAsked()
        {
            int port = Loopback.FreePort();
            InTask(me =>
            {
                NetCtrl l = NetCtrl.Create(Adapter, me);
                l.Config(port, false, false);
                Assert.True(l.NoDelay);
                Assert.True(l.Listen(out bool _));

                NetCtrl c = NetCtrl.Create(Adapter, me);
                Assert.True(LibNet.Connect(me, Bound, c, Loopback.Ip, port));
                Assert.True(SocketNoDelay(c));
                Assert.True(LibNet.Listen(me, Bound, l));
                Assert.True(l.Accept(me, out NetCtrl a));
                Assert.True(a.NoDelay);
                Assert.True(SocketNoDelay(a));
                Assert.Throws<System.InvalidOperationException>(() => c.NoDelay = false);
                LibNet.Close(me, Bound, c);
                a.Release();
                l.Close();

                // Asked for Nagle: the connect and the listener's clients get it.
                c.NoDelay = false;
                l.NoDelay = false;
                Assert.True(l.Listen(out bool _));
                Assert.True(LibNet.Connect(me, Bound, c, Loopback.Ip, port));
                Assert.False(SocketNoDelay(c));
                Assert.True(LibNet.Listen(me, Bound, l));
                Assert.True(l.Accept(me, out a));
                Assert.False(a.NoDelay);
                Assert.False(SocketNoDelay(a));
                LibNet.Close(me, Bound, c);
                a.Release();
                c.Release();
                l.Release();
            });
        }
    }
}
