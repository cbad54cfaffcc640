using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// LibNet's TLS on nano's SslStream (Mbed TLS) against openssl peers that eng/device-tests.sh
    /// starts beside the interpreter on fixed loopback ports (eng/device-peers.sh): a handshake
    /// stops every managed thread until it ends, so the peer cannot run inside. Where the peers
    /// are not running (Visual Studio, a board) the tests skip and say so.
    /// </summary>
    [TestClass]
    public class TlsTests
    {
        /// <summary>openssl s_server -rev: lines come back reversed.</summary>
        public const int ServerPort = 17301;

        /// <summary>Where the suite's TLS listener listens for the openssl s_client loop.</summary>
        public const int ListenerPort = 17302;

        /// <summary>openssl s_server -rev with an EC (P-256) certificate signed by the test CA.</summary>
        public const int EcServerPort = 17303;

        private static void RequirePeers()
        {
            Peers.RequireSockets();
            Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                s.Connect(new IPEndPoint(IPAddress.Parse(Peers.Ip), ServerPort));
            }
            catch (Exception ex)
            {
                Assert.SkipTest("no TLS peer on " + Peers.Ip + ":" + ServerPort + " (" + Peers.ErrorCode(ex) + "): eng/device-tests.sh starts openssl there around the suite");
            }
            finally
            {
                Peers.CloseQuietly(s);
            }
        }

        /// <summary>Starts a TLS test: <see cref="Env.Begin"/>, <see cref="RequirePeers"/>, then a fresh <see cref="Peers.Adapter"/>.</summary>
        private static SocketAdapter BeginWithPeers()
        {
            Env.Begin();
            RequirePeers();
            return Peers.Adapter();
        }

        private static NetCtrl TlsClient(NetAdapter a, string me, string ca)
        {
            NetCtrl n = NetCtrl.Create(a, me);
            Assert.IsTrue(n.Config(0, false, true, 0, 0, 0, ca, null, null, null, 4096, 4096));
            return n;
        }

        private static string Describe(NetCtrl n)
        {
            return NetError.Name(n.LastError) + ": " + n.LastErrorMessage;
        }

        /// <summary>Sends a line to the s_server -rev peer and checks it comes back reversed.</summary>
        private static void ReversedLine(string me, NetCtrl n, string line)
        {
            bool full;
            Assert.IsTrue(LibNet.Tx(me, Env.Bound, n, Bytes.Ascii(line + "\n"), out full), "Tx: " + Describe(n));
            Assert.IsFalse(full);
            char[] r = new char[line.Length];
            for (int i = 0; i < r.Length; i++)
            {
                r[i] = line[line.Length - 1 - i];
            }

            byte[] back = new byte[line.Length + 1];
            Bytes.Receive(me, n, back);
            Assert.AreEqual(new string(r) + "\n", Bytes.Text(back, 0, back.Length));
        }

        [TestMethod]
        public void WithTheRightCaTheHandshakeIsVerifiedAndDataFlows()
        {
            SocketAdapter a = BeginWithPeers();
            Env.InTask(me =>
            {
                NetCtrl n = TlsClient(a, me, TlsCerts.Ca);
                long t0 = Clock.Now;
                Assert.IsTrue(LibNet.Connect(me, Env.Bound, n, "localhost", ServerPort), Describe(n));
                OutputHelper.WriteLine("TLS connect (DNS, TCP, handshake) with the right CA: " + Clock.Since(t0) + " ms");
                Assert.AreEqual((int)NetCtrlState.Online, (int)n.State);
                Assert.IsTrue(n.IsTls);
                ReversedLine(me, n, "hello tls");
                ReversedLine(me, n, "second line through the same session");
                LibNet.Close(me, Env.Bound, n);
                n.Release();
            });
            Env.End();
        }

        [TestMethod]
        public void WithAWrongCaTheHandshakeFails()
        {
            SocketAdapter a = BeginWithPeers();
            Env.InTask(me =>
            {
                NetCtrl n = TlsClient(a, me, TlsCerts.OtherCa);
                long t0 = Clock.Now;
                Assert.IsFalse(LibNet.Connect(me, Env.Bound, n, "localhost", ServerPort), "connected to a server the CA did not sign");
                Env.AtOnce(Clock.Since(t0), "the failed handshake");
                Assert.AreEqual(NetError.TlsFailed, n.LastError, Describe(n));
                Assert.AreEqual((int)NetCtrlState.Error, (int)n.State);
                Assert.AreEqual(0, a.OpenHandles, "the failed handshake's socket is closed");

                // The netc is not spoiled: with the right CA it connects.
                Assert.IsTrue(n.Config(0, false, true, 0, 0, 0, TlsCerts.Ca, null, null, null, 4096, 4096));
                Assert.IsTrue(LibNet.Connect(me, Env.Bound, n, "localhost", ServerPort), Describe(n));
                ReversedLine(me, n, "after a failed handshake");
                LibNet.Close(me, Env.Bound, n);
                n.Release();
            });
            Env.End();
        }

        [TestMethod]
        public void AServerWithAnEcCertificateIsATlsFailureNotAHang()
        {
            SocketAdapter a = BeginWithPeers();
            Env.InTask(me =>
            {
                // nanoFramework's Mbed TLS configuration has no ECDHE-ECDSA cipher suite (a board's
                // firmware may have one): either way LibNet must give a result at once.
                NetCtrl n = TlsClient(a, me, TlsCerts.Ca);
                long t0 = Clock.Now;
                bool ok = LibNet.Connect(me, Env.Bound, n, "localhost", EcServerPort);
                Env.AtOnce(Clock.Since(t0), "the handshake with an EC server");
                OutputHelper.WriteLine("TLS to a server with an EC certificate: " + (ok ? "connected" : Describe(n)));
                if (ok)
                {
                    ReversedLine(me, n, "ec");
                    LibNet.Close(me, Env.Bound, n);
                }
                else
                {
                    Assert.AreEqual(NetError.TlsFailed, n.LastError, Describe(n));
                    Assert.AreEqual(0, a.OpenHandles, "the failed handshake's socket is closed");
                }

                n.Release();
            });
            Env.End();
        }

        [TestMethod]
        public void WithoutACaTheServerIsVerifiedAgainstTheDeviceStoreAndOnlyTheOptOutSkipsIt()
        {
            // No CA given: nano verifies against its certificate store (CertificateManager), which
            // does not hold the test CA, so the handshake fails closed. Only the explicit opt-out
            // (TlsInsecureSkipVerify) connects to this server, and the netc says it did.
            SocketAdapter a = BeginWithPeers();
            Env.InTask(me =>
            {
                NetCtrl n = TlsClient(a, me, null);
                Assert.IsFalse(LibNet.Connect(me, Env.Bound, n, "localhost", ServerPort), "no CA: verified against the device store, which does not hold the test CA");
                Assert.AreEqual(NetError.TlsFailed, n.LastError, Describe(n));
                Assert.IsFalse(n.TlsInsecureSkipVerify);

                n.TlsInsecureSkipVerify = true;
                Assert.IsTrue(LibNet.Connect(me, Env.Bound, n, "localhost", ServerPort), "with the opt-out: " + Describe(n));
                Assert.IsTrue(n.TlsInsecureSkipVerify);
                ReversedLine(me, n, "unverified");
                LibNet.Close(me, Env.Bound, n);
                n.Release();
            });
            Env.End();
        }

        [TestMethod]
        public void AClientThatNeverSpeaksIsDroppedAtTheAcceptDeadlineAndTheDeviceRunsOn()
        {
            // nano's handshake stops every managed thread until it ends. Before LibNet waited for
            // the client's first bytes, a plain TCP connect to a TLS listener (a port scan, a
            // health check, a client of the wrong protocol) stopped the whole device for good:
            // this test then hung the interpreter until nanovm's timeout.
            SocketAdapter a = Peers.Begin();
            a.TlsAcceptTimeout = 700;
            int port = Peers.FreePort();
            Box listener = new Box();
            Box ticks = new Box();
            Box stop = new Box();
            Thread ticker = new Thread(() =>
            {
                while (stop.Number == 0)
                {
                    ticks.Number++;
                    Thread.Sleep(20);
                }
            });
            ticker.Start();
            Socket silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                Env.Start("srv", me =>
                {
                    NetCtrl l = NetCtrl.Create(a, me);
                    Assert.IsTrue(l.Config(port, false, true, 0, 0, 0, null, TlsCerts.ServerCert, TlsCerts.ServerKey, null, 1024, 1024));
                    bool accepted;
                    Assert.IsTrue(l.Listen(out accepted), "listen: " + Describe(l));
                    listener.Value = l;
                    long t0 = Clock.Now;
                    while (l.AcceptFailures == 0 && Clock.Since(t0) < Env.Bound)
                    {
                        TaskMessage m;
                        SysPlus.WaitMsg(me, 100, out m);
                    }

                    Assert.AreEqual(1, l.AcceptFailures, "the silent client was not dropped");
                    Assert.AreEqual(NetError.Timeout, l.LastAcceptError, NetError.Name(l.LastAcceptError) + ": " + l.LastAcceptErrorMessage);
                    Assert.AreEqual((int)NetCtrlState.Listening, (int)l.State, "the listener listens on");
                    l.Release();
                });
                Env.Until(() => listener.Value != null, "listening");
                silent.Connect(new IPEndPoint(IPAddress.Parse(Peers.Ip), port));
                long start = Clock.Now;
                long k0 = ticks.Number;
                Env.JoinAll();
                long ms = Clock.Since(start);
                long ran = ticks.Number - k0;
                OutputHelper.WriteLine("a silent client was dropped after " + ms + " ms; another thread ticked " + ran + " times meanwhile");
                Assert.IsTrue(ms >= 600 && ms < 700 + Env.Slack, "dropped after " + ms + " ms, deadline 700");
                Assert.IsTrue(ran * 20 >= ms / 4, "other threads were stopped while the client was silent: " + ran + " ticks in " + ms + " ms");
            }
            finally
            {
                stop.Number = 1;
                silent.Close();
                ticker.Join();
            }

            Env.End();
        }

        [TestMethod]
        public void ListenerServesAnOpensslClientThatVerifiesIt()
        {
            SocketAdapter a = BeginWithPeers();
            Env.InTask(me =>
            {
                NetCtrl l = NetCtrl.Create(a, me);
                Assert.IsTrue(l.Config(ListenerPort, false, true, 0, 0, 0, null, TlsCerts.ServerCert, TlsCerts.ServerKey, null, 1024, 1024));
                long t0 = Clock.Now;

                // The s_client loop of eng/device-peers.sh connects every 0.3 s.
                Assert.IsTrue(LibNet.Listen(me, Env.Bound, l), "no TLS client came: " + Describe(l)
                    + "; accept failures " + l.AcceptFailures + " (" + NetError.Name(l.LastAcceptError) + ": " + l.LastAcceptErrorMessage + ")");
                NetCtrl c;
                Assert.IsTrue(l.Accept(me, out c));
                OutputHelper.WriteLine("TLS client accepted (its handshake done) after " + Clock.Since(t0) + " ms");
                byte[] ping = new byte[5];
                Bytes.Receive(me, c, ping);
                Assert.AreEqual("ping\n", Bytes.Text(ping, 0, 5));
                bool full;
                Assert.IsTrue(LibNet.Tx(me, Env.Bound, c, Bytes.Ascii("pong\n"), out full), "Tx: " + Describe(c));
                LibNet.Close(me, Env.Bound, c);
                c.Release();
                l.Release();
            });
            Env.End();
        }
    }
}
