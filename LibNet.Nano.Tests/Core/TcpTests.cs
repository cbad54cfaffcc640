using System;
using System.Net.Sockets;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Core
{
    /// <summary>TCP client round trips through a plain echo peer, on both engine paths (Select and the device's Poll sweep).</summary>
    public class TcpTests : NetTest
    {
        /// <summary>Select engine (false) or the device's Poll sweep (true); registered for the leak check.</summary>

        /// <summary>
        /// Sends <paramref name="data"/> in pieces no larger than the send ring with LibNet.Tx
        /// (retrying a full buffer after its TxOk) and reads the echo as it comes, so more than
        /// both 1536-byte rings is in flight; returns what came back.
        /// </summary>
        /// <summary>Waits for and reads exactly <paramref name="count"/> bytes (an echo of what was sent).</summary>
        internal static byte[] ReceiveExactly(string me, NetCtrl netc, int count)
        {
            byte[] back = new byte[count];
            int got = Drain(netc, back, 0);
            while (got < count)
            {
                Assert.True(LibNet.Wait(me, 10000, netc, out bool ev), "Wait failed: " + NetError.Name(netc.LastError));
                Assert.True(ev, "nothing within 10 s after " + got + " of " + count + " bytes");
                got += Drain(netc, back, got);
            }

            return back;
        }

        internal static byte[] Exchange(string me, NetCtrl netc, byte[] data)
        {
            byte[] back = new byte[data.Length];
            int got = 0;
            int sent = 0;
            int fulls = 0;
            while (sent < data.Length)
            {
                int n = Math.Min(netc.TxCapacity, data.Length - sent);
                Assert.True(LibNet.Tx(me, 10000, netc, data, sent, n, out bool full), "Tx failed: " + NetError.Name(netc.LastError));
                if (full)
                {
                    // Nothing was queued: wait for the ring to drain, then send the same piece again.
                    Assert.True(++fulls < 1000, "send buffer stays full");
                    SysPlus.WaitMsg(me, SocketEvent.TxOk, 1000, out TaskMessage ignored);
                    continue;
                }

                sent += n;
                got += Drain(netc, back, got);
            }

            while (got < data.Length)
            {
                Assert.True(LibNet.Wait(me, 10000, netc, out bool ev), "Wait failed: " + NetError.Name(netc.LastError));
                Assert.True(ev, "no echo within 10 s after " + got + " of " + data.Length + " bytes");
                got += Drain(netc, back, got);
            }

            return back;
        }

        private static int Drain(NetCtrl netc, byte[] into, int at)
        {
            int total = 0;
            while (at + total < into.Length)
            {
                Assert.True(netc.Rx(into, at + total, into.Length - at - total, out int n));
                if (n == 0)
                {
                    break;
                }

                total += n;
            }

            return total;
        }

        [Theory]
        [InlineData(1, false)]
        [InlineData(100, false)]
        [InlineData(1536, false)]
        [InlineData(5000, false)]
        [InlineData(100000, false)]
        [InlineData(1, true)]
        [InlineData(5000, true)]
        [InlineData(100000, true)]
        public void RoundTripThroughEchoPeer(int size, bool sweep)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            byte[] data = Loopback.Pattern(size, size);
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(adapter, me);
                    Assert.Equal(NetCtrlState.Idle, netc.State);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, peer.Port), netc.LastErrorMessage);
                    Assert.Equal(NetCtrlState.Online, netc.State);
                    Assert.Equal(Loopback.Ip + ":" + peer.Port, netc.RemoteEndPoint);
                    Assert.StartsWith(Loopback.Ip + ":", netc.LocalEndPoint);

                    byte[] back = Exchange(me, netc, data);
                    Assert.Equal(data, back);
                    Assert.Equal(size, netc.BytesOut);
                    Assert.Equal(size, netc.BytesIn);

                    LibNet.Close(me, 10000, netc);
                    Assert.Equal(NetCtrlState.Closed, netc.State);
                    netc.Release();
                });
            }
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void ReconnectsAfterClose(bool sweep)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(adapter, me);
                    for (int round = 0; round < 3; round++)
                    {
                        Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, peer.Port), netc.LastErrorMessage);
                        byte[] data = Loopback.Pattern(300, round);
                        Assert.Equal(data, Exchange(me, netc, data));
                        LibNet.Close(me, 10000, netc);
                        Assert.Equal(NetCtrlState.Closed, netc.State);
                        Assert.Equal(0, adapter.OpenHandles);
                    }

                    netc.Release();
                });
                Assert.Equal(3, peer.Accepted);
            }
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void PeerCloseEndsWaitWithClosedState(bool sweep)
        {
            SocketAdapter adapter = AdapterFor(sweep);
            using (Socket listener = Loopback.Listener())
            {
                string task = StartTask(UniqueName("peerclose"), me =>
                {
                    NetCtrl netc = NetCtrl.Create(adapter, me);
                    Assert.True(LibNet.Connect(me, 10000, netc, Loopback.Ip, Loopback.PortOf(listener)), NetError.Name(netc.LastError) + " " + netc.LastErrorMessage + " " + netc.State);
                    byte[] buf = new byte[16];
                    int got = 0;
                    bool ok;
                    // The peer sends "bye" and closes: the data is still read, then Wait reports the end.
                    while ((ok = LibNet.Wait(me, 10000, netc, out bool ev)) && ev)
                    {
                        Assert.True(netc.Rx(buf, got, buf.Length - got, out int n) || n == 0);
                        got += n;
                        if (netc.State == NetCtrlState.Closed && netc.RxPending == 0)
                        {
                            break;
                        }
                    }

                    Assert.Equal("bye", System.Text.Encoding.ASCII.GetString(buf, 0, got));
                    Assert.Equal(NetCtrlState.Closed, netc.State);
                    Assert.False(LibNet.Wait(me, 10000, netc, out bool after));
                    Assert.False(after);
                    Assert.False(netc.Rx(buf, 0, buf.Length, out int none));
                    Assert.Equal(0, none);
                    netc.Release();
                });
                using (Socket s = Loopback.Accept(listener))
                {
                    s.Send(System.Text.Encoding.ASCII.GetBytes("bye"));
                    s.Shutdown(SocketShutdown.Send);
                    JoinAll();
                }
            }
        }
    }
}
