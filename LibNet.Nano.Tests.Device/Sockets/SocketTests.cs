using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// The SocketAdapter on nano's own System.Net (the device's code path: poll-sweep engine,
    /// nano's blocking sockets on connect workers) against loopback peers these tests start.
    /// </summary>
    [TestClass]
    public class SocketTests
    {
        [TestMethod]
        public void TcpEchoRoundTripsOfManySizes()
        {
            SocketAdapter a = Peers.Begin();
            EchoPeer peer = new EchoPeer();
            try
            {
                Env.InTask(me =>
                {
                    NetCtrl n = Bytes.Tcp(a, me, 0);
                    Assert.IsTrue(LibNet.WaitLink(me, Env.Bound, n), "the interpreter's interface has an address");
                    Bytes.MustConnect(me, n, Peers.Ip, peer.Port);
                    Assert.AreEqual((int)NetCtrlState.Online, (int)n.State);
                    Assert.IsTrue(n.RemoteEndPoint.IndexOf(":" + peer.Port) > 0, "RemoteEndPoint " + n.RemoteEndPoint);
                    int[] sizes = new int[] { 1, 64, 1000, NetCtrl.DefaultBufferSize };
                    int total = 0;
                    for (int i = 0; i < sizes.Length; i++)
                    {
                        Bytes.EchoRoundTrip(me, n, Bytes.Pattern(sizes[i], i));
                        total += sizes[i];
                    }

                    // 24 KB through the 1.5 KB rings, a ring's worth per Tx, read as it comes.
                    byte[] big = Bytes.Pattern(24 * 1024, 5);
                    byte[] back = new byte[big.Length];
                    int sent = 0;
                    int got = 0;
                    bool full;
                    while (got < big.Length)
                    {
                        if (sent < big.Length)
                        {
                            int chunk = big.Length - sent < NetCtrl.DefaultBufferSize ? big.Length - sent : NetCtrl.DefaultBufferSize;
                            Assert.IsTrue(LibNet.Tx(me, Env.Bound, n, big, sent, chunk, out full), "Tx: " + NetError.Name(n.LastError));
                            if (!full)
                            {
                                sent += chunk;
                            }
                        }

                        got += Bytes.Drain(n, back, got);
                        if (got < big.Length && sent == big.Length)
                        {
                            bool ev;
                            Assert.IsTrue(LibNet.Wait(me, Env.Bound, n, out ev) && ev, "the echo stopped at " + got);
                        }
                    }

                    Assert.IsTrue(Bytes.Same(big, back), "24 KB echo differs");
                    total += big.Length;
                    Assert.AreEqual(total, (int)n.BytesOut, "BytesOut");
                    Assert.AreEqual(total, (int)n.BytesIn, "BytesIn");
                    LibNet.Close(me, Env.Bound, n);
                    Assert.AreEqual((int)NetCtrlState.Closed, (int)n.State);

                    // Connect again on the same netc.
                    Bytes.MustConnect(me, n, Peers.Ip, peer.Port);
                    Bytes.EchoRoundTrip(me, n, Bytes.Pattern(100, 9));
                    LibNet.Close(me, Env.Bound, n);
                    n.Release();
                });
            }
            finally
            {
                Assert.IsTrue(peer.Stop(), "the echo peer's threads did not end");
            }

            Assert.AreEqual(2, peer.Accepted);
            Env.End();
        }

        [TestMethod]
        public void ThreeTasksEchoAtOnce()
        {
            SocketAdapter a = Peers.Begin();
            EchoPeer peer = new EchoPeer();
            try
            {
                for (int t = 0; t < 3; t++)
                {
                    int seed = t;
                    Env.Start("echo", me =>
                    {
                        NetCtrl n = Bytes.Tcp(a, me, 0);
                        Bytes.MustConnect(me, n, Peers.Ip, peer.Port);
                        for (int i = 0; i < 10; i++)
                        {
                            Bytes.EchoRoundTrip(me, n, Bytes.Pattern(200 + i * 50, seed * 100 + i));
                        }

                        LibNet.Close(me, Env.Bound, n);
                        n.Release();
                    });
                }

                Env.JoinAll();
            }
            finally
            {
                Assert.IsTrue(peer.Stop(), "the echo peer's threads did not end");
            }

            Env.End();
        }

        [TestMethod]
        public void ConnectToAClosedPortIsRefusedAtOnce()
        {
            SocketAdapter a = Peers.Begin();
            int port = Peers.FreePort();
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.Tcp(a, me, 0);
                long t0 = Clock.Now;
                Assert.IsFalse(LibNet.Connect(me, Env.Bound, n, Peers.Ip, port));
                Env.AtOnce(Clock.Since(t0), "the refusal");
                Assert.AreEqual(NetError.Refused, n.LastError, NetError.Name(n.LastError) + ": " + n.LastErrorMessage);
                Assert.AreEqual((int)NetCtrlState.Error, (int)n.State);
                Assert.IsNotNull(n.LastErrorMessage);
                Assert.IsFalse(LibNet.Connect(me, Env.Bound, n, Peers.Ip, port), "a failed netc tries again, and fails the same way");
                Assert.AreEqual(NetError.Refused, n.LastError);
                n.Release();
            });
            Env.End();
        }

        [TestMethod]
        public void ConnectToAListenerThatNeverAcceptsTimesOutAndLeavesNothing()
        {
            SocketAdapter a = Peers.Begin();
            Socket stalled = Peers.Listener(1);
            int port = Peers.PortOf(stalled);
            Box filled = new Box();
            try
            {
                Env.InTask(me =>
                {
                    // The accept queue of a listener nobody accepts from fills up; the next SYN is
                    // dropped, so that connect never completes.
                    NetCtrl[] fillers = new NetCtrl[8];
                    NetCtrl timedOut = null;
                    long ms = 0;
                    for (int i = 0; i < fillers.Length && timedOut == null; i++)
                    {
                        NetCtrl n = Bytes.Tcp(a, me, 0);
                        long t0 = Clock.Now;
                        if (LibNet.Connect(me, 1000, n, Peers.Ip, port))
                        {
                            fillers[i] = n;
                            filled.Number++;
                            continue;
                        }

                        ms = Clock.Since(t0);
                        timedOut = n;
                    }

                    Assert.IsNotNull(timedOut, "the listener's queue never filled: " + filled.Number + " connects completed");
                    Assert.AreEqual(NetError.Timeout, timedOut.LastError, NetError.Name(timedOut.LastError) + ": " + timedOut.LastErrorMessage);
                    Env.AtDeadline(ms, 1000, "Connect(1000) to a full listener");
                    Assert.AreEqual((int)NetCtrlState.Error, (int)timedOut.State);
                    Assert.AreEqual((int)filled.Number, a.OpenHandles, "the aborted connect's socket is closed at once");
                    timedOut.Release();
                    for (int i = 0; i < fillers.Length; i++)
                    {
                        if (fillers[i] != null)
                        {
                            fillers[i].Release();
                        }
                    }
                });
            }
            finally
            {
                stalled.Close();
            }

            OutputHelper.WriteLine("accept queue filled by " + filled.Number + " connection(s)");
            Env.End();
        }

        [TestMethod]
        public void PeerResetEndsTheWaitAtOnceAsThePlatformReportsIt()
        {
            Env.Begin();
            Peers.RequireSockets();

            // What nano's own Socket.Receive says of a reset here: SocketException 10054 on lwIP
            // (a device) and on desktop .NET; nanovm's socket layer reads it as the end of the
            // stream (docs/nano-notes.md). LibNet must report exactly what the platform gives.
            int rawReset = Peers.ReceiveAfterReset();
            OutputHelper.WriteLine("nano Socket.Receive after a reset: " + (rawReset == 0 ? "returns 0 (end of stream)" : "throws SocketException " + rawReset));
            SocketAdapter a = Peers.Adapter();
            Socket l = Peers.Listener(1);
            Thread peer = Peers.Run(() => Peers.AcceptReadOneAndReset(l, 200));
            try
            {
                Env.InTask(me =>
                {
                    NetCtrl n = Bytes.Tcp(a, me, 0);
                    Bytes.MustConnect(me, n, Peers.Ip, Peers.PortOf(l));
                    bool full, ev;
                    Assert.IsTrue(LibNet.Tx(me, Env.Bound, n, Bytes.Pattern(200, 1), out full));
                    long t0 = Clock.Now;
                    byte[] b = new byte[16];
                    int read;

                    // An end of stream first reads as "the state changed" (true, true) with Rx false;
                    // a failure as (false, false). Either way the next Wait fails at once.
                    bool ok = LibNet.Wait(me, Env.Bound, n, out ev);
                    if (ok)
                    {
                        Assert.IsTrue(ev, "Wait timed out after the reset");
                        Assert.IsFalse(n.Rx(b, 0, b.Length, out read), "Rx after the reset");
                        ok = LibNet.Wait(me, Env.Bound, n, out ev);
                    }

                    Assert.IsFalse(ok, "Wait after the reset");
                    Assert.IsFalse(ev);
                    Env.AtOnce(Clock.Since(t0), "noticing the reset");
                    if (rawReset == 0)
                    {
                        Assert.AreEqual((int)NetCtrlState.Closed, (int)n.State, "the platform reported an end of stream: " + NetError.Name(n.LastError));
                        Assert.AreEqual(NetError.None, n.LastError, NetError.Name(n.LastError) + ": " + n.LastErrorMessage);
                    }
                    else
                    {
                        Assert.AreEqual((int)NetCtrlState.Error, (int)n.State);
                        Assert.AreEqual(NetError.Reset, n.LastError, NetError.Name(n.LastError) + ": " + n.LastErrorMessage);
                    }

                    Assert.IsFalse(LibNet.Tx(me, Env.Bound, n, Bytes.Pattern(10, 2), out full), "Tx after the reset");
                    n.Release();
                });
            }
            finally
            {
                Peers.CloseQuietly(l);
                Assert.IsTrue(peer.Join(Env.Bound), "the peer did not end");
            }

            Env.End();
        }

        [TestMethod]
        public void PeerCloseDeliversTheDataThenTheEnd()
        {
            SocketAdapter a = Peers.Begin();
            Socket l = Peers.Listener(1);
            int port = Peers.PortOf(l);
            Thread peer = Peers.Run(() =>
            {
                Socket c = l.Accept();
                c.Send(Bytes.Ascii("bye"), 0, 3, SocketFlags.None);
                c.Close();
            });
            Env.InTask(me =>
            {
                NetCtrl n = Bytes.Tcp(a, me, 0);
                Bytes.MustConnect(me, n, Peers.Ip, port);
                byte[] b = new byte[3];
                Bytes.Receive(me, n, b);
                Assert.AreEqual("bye", Bytes.Text(b, 0, 3));
                // The end of the stream: a Wait that finds it already seen fails (false, false); one
                // that sees it come returns (true, true), the state change. Either way Rx then
                // says there is nothing left, and the state is Closed with no error.
                bool ev;
                if (LibNet.Wait(me, Env.Bound, n, out ev))
                {
                    Assert.IsTrue(ev, "Wait at the end of the stream returned (true, false): a timeout");
                }
                else
                {
                    Assert.IsFalse(ev);
                }

                Assert.AreEqual((int)NetCtrlState.Closed, (int)n.State);
                Assert.AreEqual(NetError.None, n.LastError, "an orderly close is no error: " + NetError.Name(n.LastError));
                int read;
                Assert.IsFalse(n.Rx(b, 0, 3, out read), "Rx after the end");
                Assert.AreEqual(0, read);
                n.Release();
            });
            Assert.IsTrue(peer.Join(Env.Bound));
            l.Close();
            Env.End();
        }

        [TestMethod]
        public void ListenerServesARawClient()
        {
            SocketAdapter a = Peers.Begin();
            int port = Peers.FreePort();
            Box listener = new Box();
            Env.Start("server", me =>
            {
                NetCtrl n = Bytes.Tcp(a, me, port);
                listener.Value = n;
                Assert.IsTrue(LibNet.Listen(me, Env.Bound, n), "no client: " + NetError.Name(n.LastError) + " " + n.LastErrorMessage);
                NetCtrl c;
                Assert.IsTrue(n.Accept(me, out c));
                byte[] req = new byte[5];
                Bytes.Receive(me, c, req);
                Assert.AreEqual("hello", Bytes.Text(req, 0, 5));
                bool full;
                Assert.IsTrue(LibNet.Tx(me, Env.Bound, c, Bytes.Ascii("world"), out full));
                LibNet.Close(me, Env.Bound, c);
                c.Release();
                n.Release();
            });
            Env.Until(() => listener.Netc != null && listener.Netc.State == NetCtrlState.Listening, "listening");
            Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Connect(new IPEndPoint(IPAddress.Parse(Peers.Ip), port));
            s.Send(Bytes.Ascii("hello"), 0, 5, SocketFlags.None);
            byte[] resp = new byte[5];
            s.ReceiveTimeout = Env.Bound;
            Assert.IsTrue(Peers.ReceiveAll(s, resp, 5), "no reply");
            Assert.AreEqual("world", Bytes.Text(resp, 0, 5));
            Assert.AreEqual(0, s.Receive(resp, 0, 5, SocketFlags.None), "the server closed");
            s.Close();
            Env.End();
        }

        [TestMethod]
        public void AListenerRestartsOnThePortItJustServedButNeverTwice()
        {
            SocketAdapter a = Peers.Begin();
            int port = Peers.FreePort();
            for (int round = 0; round < 2; round++)
            {
                // The server closes first, so its side of the connection waits in TIME_WAIT on
                // the port: the next listener on that port must still come up (a device server
                // restarted after a link drop), as it does on desktop .NET.
                Box listener = new Box();
                Env.Start("server", me =>
                {
                    NetCtrl n = Bytes.Tcp(a, me, port);
                    listener.Value = n;
                    Assert.IsTrue(LibNet.Listen(me, Env.Bound, n), "Listen on a port just served: " + NetError.Name(n.LastError) + " " + n.LastErrorMessage);
                    NetCtrl c;
                    Assert.IsTrue(n.Accept(me, out c));
                    LibNet.Close(me, Env.Bound, c);
                    c.Release();
                    n.Release();
                });
                Env.Until(() => listener.Netc != null && (listener.Netc.State == NetCtrlState.Listening || listener.Netc.State == NetCtrlState.Error || listener.Netc.State == NetCtrlState.Released), "the listener started or failed");
                if (listener.Netc.State == NetCtrlState.Listening)
                {
                    Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    s.Connect(new IPEndPoint(IPAddress.Parse(Peers.Ip), port));
                    s.ReceiveTimeout = Env.Bound;
                    Assert.AreEqual(0, s.Receive(new byte[4], 0, 4, SocketFlags.None), "the server closes first");
                    s.Close();
                }

                Env.JoinAll();
            }

            // Two listeners on one port at once: the second fails with AddressInUse.
            Box first = new Box();
            ManualResetEvent done = new ManualResetEvent(false);
            Env.Start("first", me =>
            {
                NetCtrl n = Bytes.Tcp(a, me, port);
                bool accepted;
                Assert.IsTrue(n.Listen(out accepted), "first listener: " + NetError.Name(n.LastError));
                first.Value = n;
                Assert.IsTrue(done.WaitOne(Env.Bound, false));
                n.Release();
            });
            Env.Until(() => first.Value != null, "the first listener listens");
            Box second = new Box();
            Env.Start("second", me =>
            {
                NetCtrl n = Bytes.Tcp(a, me, port);
                try
                {
                    Assert.IsFalse(LibNet.Listen(me, Env.Bound, n), "a second listener on a port in use");
                    Assert.AreEqual(NetError.AddressInUse, n.LastError, NetError.Name(n.LastError) + ": " + n.LastErrorMessage);
                }
                finally
                {
                    second.Number = 1;
                    n.Release();
                }
            });
            Env.Until(() => second.Number == 1, "the second listener's result");
            done.Set();
            Env.JoinAll();
            Env.End();
        }

        [TestMethod]
        public void UdpClientAndUdpServer()
        {
            SocketAdapter a = Peers.Begin();

            // A raw UDP peer echoing one datagram with a prefix.
            Socket u = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            u.Bind(new IPEndPoint(IPAddress.Parse(Peers.Ip), 0));
            int peerPort = Peers.PortOf(u);
            Thread echo = Peers.Run(() =>
            {
                byte[] b = new byte[64];
                EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                int n = u.ReceiveFrom(b, 0, b.Length, SocketFlags.None, ref from);
                byte[] r = Bytes.Ascii("re:" + Bytes.Text(b, 0, n));
                u.SendTo(r, 0, r.Length, SocketFlags.None, from);
            });
            Env.InTask(me =>
            {
                NetCtrl n = NetCtrl.Create(a, me);
                n.Config(0, true, false);
                Bytes.MustConnect(me, n, Peers.Ip, peerPort);
                bool full, ev;
                Assert.IsTrue(LibNet.Tx(me, Env.Bound, n, Bytes.Ascii("ping"), out full));
                Assert.IsTrue(LibNet.Wait(me, Env.Bound, n, out ev) && ev, "no datagram back: " + NetError.Name(n.LastError));
                byte[] b = new byte[64];
                int got, port;
                string host;
                Assert.IsTrue(n.Rx(b, 0, b.Length, out got, out host, out port));
                Assert.AreEqual("re:ping", Bytes.Text(b, 0, got));
                Assert.AreEqual(Peers.Ip, host);
                Assert.AreEqual(peerPort, port);
                n.Release();
            });
            Assert.IsTrue(echo.Join(Env.Bound));
            u.Close();

            // A LibNet UDP "server" on a local port answers a raw client.
            int serverPort = Peers.FreePort();
            Box ready = new Box();
            Env.Start("udpserver", me =>
            {
                NetCtrl n = NetCtrl.Create(a, me);
                n.Config(serverPort, true, false);
                Assert.IsTrue(LibNet.Listen(me, Env.Bound, n), "UDP listen: " + NetError.Name(n.LastError) + " " + n.LastErrorMessage);
                ready.Number = 1;
                bool ev, full, done;
                Assert.IsTrue(LibNet.Wait(me, Env.Bound, n, out ev) && ev, "no datagram");
                byte[] b = new byte[64];
                int got, port;
                string host;
                Assert.IsTrue(n.Rx(b, 0, b.Length, out got, out host, out port));
                Assert.AreEqual("hi", Bytes.Text(b, 0, got));
                Assert.IsTrue(n.Tx(Bytes.Ascii("ho"), 0, 2, host, port, out full, out done));
                TaskMessage m;
                Assert.IsTrue(done || SysPlus.WaitMsg(me, SocketEvent.TxOk, Env.Bound, out m), "the reply did not leave");
                n.Release();
            });
            Env.Until(() => ready.Number == 1, "the UDP server is bound");
            Socket client = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            client.Bind(new IPEndPoint(IPAddress.Parse(Peers.Ip), 0));
            client.SendTo(Bytes.Ascii("hi"), 0, 2, SocketFlags.None, new IPEndPoint(IPAddress.Parse(Peers.Ip), serverPort));
            client.ReceiveTimeout = Env.Bound;
            byte[] rb = new byte[16];
            EndPoint ep = new IPEndPoint(IPAddress.Any, 0);
            int rn = client.ReceiveFrom(rb, 0, rb.Length, SocketFlags.None, ref ep);
            Assert.AreEqual("ho", Bytes.Text(rb, 0, rn));
            client.Close();
            Env.End();
        }
    }
}
