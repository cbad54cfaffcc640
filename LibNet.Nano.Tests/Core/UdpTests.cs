using System.Net;
using System.Net.Sockets;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Core
{
    /// <summary>UDP through a plain echo peer: one datagram per Rx, with its sender.</summary>
    public class UdpTests : NetTest
    {
        /// <summary>Waits until a datagram is there and takes it (text sender overload).</summary>
        private static int RxDatagram(string me, NetCtrl netc, byte[] buf, out string host, out int port)
        {
            while (true)
            {
                Assert.True(LibNet.Wait(me, 10000, netc, out bool ev), NetError.Name(netc.LastError));
                Assert.True(ev, "no datagram within 10 s");
                Assert.True(netc.Rx(buf, 0, buf.Length, out int read, out host, out port));
                if (read > 0)
                {
                    return read;
                }
            }
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void RoundTripReportsTheSender(bool sweep)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            using (EchoPeer peer = EchoPeer.Udp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(adapter, me);
                    Assert.True(netc.Config(0, true, false));
                    Assert.True(netc.IsUdp);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, peer.Port), netc.LastErrorMessage);
                    Assert.Equal(NetCtrlState.Online, netc.State);

                    // Three datagrams, sent before any is read: each Rx returns exactly one of them.
                    for (int i = 1; i <= 3; i++)
                    {
                        byte[] d = Loopback.Pattern(100 * i, i);
                        Assert.True(LibNet.Tx(me, 10000, netc, d, out bool full));
                        Assert.False(full);
                    }

                    byte[] buf = new byte[1500];
                    for (int i = 1; i <= 3; i++)
                    {
                        int n = RxDatagram(me, netc, buf, out string host, out int port);
                        Assert.Equal(100 * i, n);
                        Assert.Equal(Loopback.Pattern(100 * i, i), buf[..n]);
                        Assert.Equal(Loopback.Ip, host);
                        Assert.Equal(peer.Port, port);
                    }

                    // The allocation-free overload: the address as bytes.
                    byte[] ping = { 1, 2, 3, 4, 5 };
                    Assert.True(LibNet.Tx(me, 10000, netc, ping, out bool full2));
                    Assert.False(full2);
                    Assert.True(LibNet.Wait(me, 10000, netc, out bool ev));
                    Assert.True(ev);
                    byte[] addr = new byte[16];
                    int read = 0, alen = 0, rport = 0;
                    for (int tries = 0; tries < 100 && read == 0; tries++)
                    {
                        Assert.True(netc.Rx(buf, 0, buf.Length, out read, addr, out alen, out rport));
                        if (read == 0)
                        {
                            Assert.True(LibNet.Wait(me, 10000, netc, out ev));
                        }
                    }

                    Assert.Equal(5, read);
                    Assert.Equal(ping, buf[..5]);
                    Assert.Equal(4, alen);
                    Assert.Equal(new byte[] { 127, 0, 0, 1 }, addr[..4]);
                    Assert.Equal(peer.Port, rport);

                    // Nothing more: Rx reads 0 and says the netc is fine.
                    Assert.True(netc.Rx(buf, 0, buf.Length, out int none, out string noHost, out int noPort));
                    Assert.Equal(0, none);
                    Assert.Null(noHost);
                    LibNet.Close(me, 10000, netc);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void DatagramLongerThanTheBufferIsCutAndCounted()
        {
            using (EchoPeer peer = EchoPeer.Udp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    netc.Config(0, true, false);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, peer.Port));
                    byte[] d = Loopback.Pattern(200);
                    Assert.True(LibNet.Tx(me, 10000, netc, d, out bool full));
                    Assert.True(LibNet.Wait(me, 10000, netc, out bool ev) && ev);
                    byte[] small = new byte[50];
                    Assert.True(netc.Rx(small, 0, small.Length, out int n));
                    Assert.Equal(50, n);
                    Assert.Equal(d[..50], small);
                    Assert.Equal(1, netc.DatagramsTruncated);
                    Assert.Equal(0, netc.RxPending);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void TxToAnExplicitHostAndPort()
        {
            // Two plain UDP peers; the netc is bound (Listen on UDP) and addresses each by its own Tx.
            using (Socket a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
            using (Socket b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp))
            {
                a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                b.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                a.ReceiveTimeout = b.ReceiveTimeout = 10000;
                int portA = Loopback.PortOf(a);
                int portB = Loopback.PortOf(b);
                int local = Loopback.FreePort(true);
                StartTask(UniqueName("udpto"), me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    netc.Config(local, true, false);
                    Assert.True(LibNet.Listen(me, 10000, netc), netc.LastErrorMessage);
                    Assert.Equal(NetCtrlState.Online, netc.State);
                    Assert.True(netc.Tx(new byte[] { 0xA }, 0, 1, Loopback.Ip, portA, out bool full, out bool done));
                    Assert.False(full);
                    bool first = done;
                    Assert.True(netc.Tx(new byte[] { 0xB, 0xB }, 0, 2, Loopback.Ip, portB, out full, out done));
                    Assert.False(full);
                    if (!first || !done)
                    {
                        // Queued (the socket did not take it at once): TxOk follows once it went out.
                        Assert.True(SysPlus.WaitMsg(me, SocketEvent.TxOk, 10000, out TaskMessage m));
                        Assert.Same(netc, m.Source);
                        Assert.Equal(0, m.Param);
                    }

                    // A reply from b reaches the bound netc, with b as its sender.
                    Assert.True(LibNet.Wait(me, 10000, netc, out bool ev) && ev);
                    byte[] buf = new byte[64];
                    Assert.True(netc.Rx(buf, 0, buf.Length, out int n, out string host, out int port));
                    Assert.Equal(3, n);
                    Assert.Equal(Loopback.Ip, host);
                    Assert.Equal(portB, port);
                    netc.Release();
                });

                // The peers read what the netc sent to each, and b answers its sender.
                byte[] r = new byte[16];
                EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                Assert.Equal(1, a.ReceiveFrom(r, ref from));
                Assert.Equal(0xA, r[0]);
                Assert.Equal(local, ((IPEndPoint)from).Port);
                Assert.Equal(2, b.ReceiveFrom(r, ref from));
                Assert.Equal(0xB, r[1]);
                Assert.Equal(local, ((IPEndPoint)from).Port);
                b.SendTo(new byte[] { 1, 2, 3 }, from);
                JoinAll();
            }
        }
    }
}
