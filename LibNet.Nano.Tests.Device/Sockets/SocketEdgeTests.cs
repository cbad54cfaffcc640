using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// Less common paths of the SocketAdapter on nano's System.Net: names, a fixed local port,
    /// keepalive, a callback netc, IPv6 where the platform has none, oversized datagrams, and a
    /// close from another task while a real connect is blocked.
    /// </summary>
    [TestClass]
    public class SocketEdgeTests
    {
        [TestMethod]
        public void HostNameFixedLocalPortAndKeepaliveWork()
        {
            SocketAdapter a = Peers.Begin();
            EchoPeer peer = new EchoPeer();
            int local = Peers.FreePort();
            try
            {
                Env.InTask(me =>
                {
                    NetCtrl n = NetCtrl.Create(a, me);
                    Assert.IsTrue(n.Config(local, false, false, 60, 10, 3, null, null, null, null, 512, 512));
                    Bytes.MustConnect(me, n, "localhost", peer.Port);
                    Assert.IsTrue(n.LocalEndPoint.IndexOf(":" + local) > 0, "LocalEndPoint " + n.LocalEndPoint + ", configured port " + local);
                    Bytes.EchoRoundTrip(me, n, Bytes.Pattern(300, 4));
                    LibNet.Close(me, Env.Bound, n);
                    n.Release();
                });
            }
            finally
            {
                Assert.IsTrue(peer.Stop(), "the echo peer did not end");
            }

            Env.End();
        }

        [TestMethod]
        public void CallbackNetcOnARealSocket()
        {
            SocketAdapter a = Peers.Begin();
            EchoPeer peer = new EchoPeer();
            Box online = new Box();
            Box events = new Box();
            NetCtrl n = NetCtrl.Create(a, m =>
            {
                if (m.Id == SocketEvent.OnLine)
                {
                    online.Number = m.Param == 0 ? 1 : -1;
                }
                else if (m.Id == SocketEvent.Event)
                {
                    events.Number++;
                }
            });
            try
            {
                n.Config(0, false, false);
                bool connected, hasEvent, full, done;
                Assert.IsTrue(n.Connect(Peers.Ip, peer.Port, out connected));
                Env.Until(() => online.Number != 0, "OnLine");
                Assert.AreEqual(1L, online.Number, "OnLine status: " + NetError.Name(n.LastError));
                Assert.IsTrue(n.Wait(out hasEvent));
                Assert.IsTrue(n.Tx(Bytes.Ascii("callback"), 0, 8, out full, out done));
                Env.Until(() => n.RxPending == 8, "the echo arrived");
                Assert.IsTrue(events.Number >= 1, "an Event reached the callback");
            }
            finally
            {
                n.Release();
                Assert.IsTrue(peer.Stop(), "the echo peer did not end");
            }

            Env.End();
        }

        [TestMethod]
        public void AnIpv6LiteralWhereThereIsNoIpv6IsAFailureNotAHang()
        {
            SocketAdapter a = Peers.Begin();
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.Tcp(a, me, 0);
                long t0 = Clock.Now;
                bool ok = LibNet.Connect(me, 3000, n, "::1", 7);
                long ms = Clock.Since(t0);
                OutputHelper.WriteLine("connect to ::1: " + ok + " " + NetError.Name(n.LastError) + " (" + n.LastErrorMessage + ") in " + ms + " ms");
                Assert.IsFalse(ok, "nothing listens on [::1]:7");
                Assert.IsTrue(n.LastError != NetError.None, "a failure has a reason");
                Env.AtOnce(ms, "the IPv6 connect");
                n.Release();
            });
            Env.End();
        }

        [TestMethod]
        public void ADatagramLargerThanTheRingIsDroppedAndCounted()
        {
            SocketAdapter a = Peers.Begin();
            int port = Peers.FreePort();
            Box ready = new Box();
            Box dropped = new Box();
            Env.Start("udp", me =>
            {
                NetCtrl n = NetCtrl.Create(a, me);
                n.Config(port, true, false, 0, 0, 0, null, null, null, null, 256, 256);
                Assert.IsTrue(LibNet.Listen(me, Env.Bound, n), "UDP bind: " + NetError.Name(n.LastError));
                ready.Number = 1;
                byte[] b = new byte[256];
                int got;
                bool ev;
                long t0 = Clock.Now;
                while (true)
                {
                    Assert.IsTrue(Clock.Since(t0) < Env.Bound, "the small datagram never came");
                    Assert.IsTrue(LibNet.Wait(me, Env.Bound, n, out ev) && ev, "no datagram");
                    Assert.IsTrue(n.Rx(b, 0, b.Length, out got));
                    if (got > 0)
                    {
                        break;
                    }
                }

                Assert.AreEqual("small", Bytes.Text(b, 0, got), "the oversized datagram must not arrive, whole or cut");
                dropped.Number = n.DatagramsDropped + n.DatagramsTruncated;
                n.Release();
            });
            Env.Until(() => ready.Number == 1, "bound");
            Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            try
            {
                EndPoint to = new IPEndPoint(IPAddress.Parse(Peers.Ip), port);
                s.SendTo(Bytes.Pattern(1000, 1), 0, 1000, SocketFlags.None, to);
                s.SendTo(Bytes.Ascii("small"), 0, 5, SocketFlags.None, to);
                Env.JoinAll();
            }
            finally
            {
                s.Close();
            }

            Assert.AreEqual(1L, dropped.Number, "the oversized datagram is counted");
            Env.End();
        }

        [TestMethod]
        public void CloseFromAnotherTaskEndsABlockedRealConnectAtOnce()
        {
            SocketAdapter a = Peers.Begin();
            Socket stalled = Peers.Listener(1);
            int port = Peers.PortOf(stalled);
            Box victim = new Box();
            Box elapsed = new Box();
            try
            {
                string owner = Env.Start("owner", me =>
                {
                    // Fill the accept queue first (its connections stay open), then block.
                    NetCtrl[] fill = new NetCtrl[4];
                    int k = 0;
                    NetCtrl n = null;
                    while (k < fill.Length)
                    {
                        n = Bytes.Tcp(a, me, 0);
                        if (!LibNet.Connect(me, 500, n, Peers.Ip, port))
                        {
                            break;
                        }

                        fill[k++] = n;
                        n = null;
                    }

                    Assert.IsNotNull(n, "the accept queue never filled");
                    victim.Value = n;
                    long t0 = Clock.Now;
                    Assert.IsFalse(LibNet.Connect(me, Env.Bound, n, Peers.Ip, port), "a closed connect");
                    elapsed.Number = Clock.Since(t0);
                    elapsed.Value = n;
                    n.Release();
                    for (int i = 0; i < k; i++)
                    {
                        fill[i].Release();
                    }
                });
                Env.Until(() => victim.Netc != null && victim.Netc.State == NetCtrlState.Connecting && Env.Blocked(owner), "the connect is blocked");
                long closedAt = Clock.Now;
                victim.Netc.Close();
                Env.JoinAll();
                Assert.IsNotNull(elapsed.Value, "the connect did not return");
                Assert.IsTrue(Clock.Since(closedAt) < Env.Slack, "the connect returned " + Clock.Since(closedAt) + " ms after the close");
            }
            finally
            {
                stalled.Close();
            }

            Env.End();
        }
    }
}
