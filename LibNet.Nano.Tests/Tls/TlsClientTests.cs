using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests
{
    /// <summary>LibNet as a TLS client of <c>openssl s_server</c> on 127.0.0.1.</summary>
    public class TlsClientTests : NetTest, IClassFixture<TestPki>
    {
        private readonly TestPki _pki;

        public TlsClientTests(TestPki pki)
        {
            _pki = pki;
        }

        internal static void ConfigTls(NetCtrl netc, string ca, string cert = null, string key = null)
        {
            Assert.True(netc.Config(0, false, true, 0, 0, 0, ca, cert, key, null, 4096, 4096));
        }

        /// <summary>Receives until <paramref name="text"/> has arrived (bounded); returns all that came.</summary>
        internal static string ReceiveUntil(string me, NetCtrl netc, string text)
        {
            StringBuilder got = new StringBuilder();
            byte[] buf = new byte[2048];
            Stopwatch sw = Stopwatch.StartNew();
            while (!got.ToString().Contains(text, StringComparison.Ordinal))
            {
                Assert.True(sw.ElapsedMilliseconds < Bound, "'" + text + "' did not arrive; got: " + got);
                Assert.True(LibNet.Wait(me, Bound, netc, out bool ev), "Wait failed: " + NetError.Name(netc.LastError) + " " + netc.LastErrorMessage + "; got: " + got);
                Assert.True(netc.Rx(buf, 0, buf.Length, out int n), "Rx: closed; got: " + got);
                got.Append(Encoding.ASCII.GetString(buf, 0, n));
            }

            return got.ToString();
        }

        internal static void Send(string me, NetCtrl netc, string text)
        {
            Assert.True(LibNet.Tx(me, Bound, netc, Encoding.ASCII.GetBytes(text), out bool full), "Tx: " + NetError.Name(netc.LastError) + " " + netc.LastErrorMessage);
            Assert.False(full);
        }

        private static string Describe(NetCtrl netc)
        {
            return NetError.Name(netc.LastError) + ": " + netc.LastErrorMessage;
        }

        [Fact]
        public void GoodChainConnectsAndDataFlowsBothWays()
        {
            using (OpenSslProcess server = OpenSslProcess.Server(_pki, "-rev", out int port))
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    ConfigTls(netc, _pki.CaPem);
                    Assert.True(LibNet.Connect(me, Bound, netc, "localhost", port), Describe(netc));
                    Assert.Equal(NetCtrlState.Online, netc.State);
                    Send(me, netc, "hello tls\n");
                    ReceiveUntil(me, netc, "slt olleh");
                    Send(me, netc, "second line\n");
                    ReceiveUntil(me, netc, "enil dnoces");
                    LibNet.Close(me, Bound, netc);
                    netc.Release();
                });
                Assert.NotNull(server.WaitForLine("CONNECTION ESTABLISHED", Bound));
                Assert.NotNull(server.WaitForLine("TLSv1.2", Bound));
            }
        }

        [Fact]
        public void IpLiteralMatchesTheCertificatesIpSan()
        {
            using (OpenSslProcess server = OpenSslProcess.Server(_pki, "-rev", out int port))
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    ConfigTls(netc, _pki.CaPem);
                    Assert.True(LibNet.Connect(me, Bound, netc, "127.0.0.1", port), Describe(netc));
                    Send(me, netc, "abc\n");
                    ReceiveUntil(me, netc, "cba");
                    LibNet.Close(me, Bound, netc);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void LargeResponseSpanningManyRecordsArrivesWhole()
        {
            // s_server -www answers GET / with a status page of several KB: many TLS records in a
            // row, read through a 256-byte ring; the engine must never sit on a buffered record.
            using (OpenSslProcess server = OpenSslProcess.Server(_pki, "-www", out int port))
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    Assert.True(netc.Config(0, false, true, 0, 0, 0, _pki.CaPem, null, null, null, 256, 256));
                    Assert.True(LibNet.Connect(me, Bound, netc, "localhost", port), Describe(netc));
                    Send(me, netc, "GET / HTTP/1.0\r\n\r\n");
                    StringBuilder got = new StringBuilder();
                    byte[] buf = new byte[100];
                    Stopwatch sw = Stopwatch.StartNew();
                    while (true)
                    {
                        Assert.True(sw.ElapsedMilliseconds < Bound, "response did not end; got " + got.Length + " bytes");
                        bool ok = LibNet.Wait(me, Bound, netc, out bool ev);
                        if (!netc.Rx(buf, 0, buf.Length, out int n))
                        {
                            break;
                        }

                        got.Append(Encoding.ASCII.GetString(buf, 0, n));
                        if (!ok && n == 0)
                        {
                            break;
                        }
                    }

                    string page = got.ToString();
                    Assert.StartsWith("HTTP/1.0 200 ok", page);
                    Assert.Contains("</BODY></HTML>", page);
                    Assert.True(page.Length > 1000, "only " + page.Length + " bytes");
                    LibNet.Close(me, Bound, netc);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void WrongCaFailsWithTlsFailedNamingTheVerification()
        {
            using (OpenSslProcess server = OpenSslProcess.Server(_pki, "-rev", out int port))
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    ConfigTls(netc, _pki.OtherCaPem);
                    Stopwatch sw = Stopwatch.StartNew();
                    Assert.False(LibNet.Connect(me, Bound, netc, "localhost", port));
                    Assert.True(sw.ElapsedMilliseconds < Bound);
                    Assert.Equal(NetError.TlsFailed, netc.LastError);
                    Assert.Contains("verification failed", netc.LastErrorMessage);
                    Assert.Contains("PartialChain", netc.LastErrorMessage);
                    Assert.Equal(NetCtrlState.Error, netc.State);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void HostNameNotInTheCertificateFails()
        {
            Adapter.Resolver = host => host == "wrong-name.test" ? "127.0.0.1" : null;
            using (OpenSslProcess server = OpenSslProcess.Server(_pki, "-rev", out int port))
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    ConfigTls(netc, _pki.CaPem);
                    Assert.False(LibNet.Connect(me, Bound, netc, "wrong-name.test", port));
                    Assert.Equal(NetError.TlsFailed, netc.LastError);
                    Assert.Contains("does not name the host", netc.LastErrorMessage);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void SelfSignedServerWithoutCaFailsClosedAgainstTheTrustStore()
        {
            // No CA configured: the server is verified against the system's trust store, which
            // knows neither this self-signed certificate nor the name it is reached by.
            Adapter.Resolver = host => host == "wrong-name.test" || host == "localhost" ? "127.0.0.1" : null;
            using (OpenSslProcess server = OpenSslProcess.Server(_pki, "-rev", out int port, "selfsigned"))
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    ConfigTls(netc, null);
                    Assert.False(netc.TlsInsecureSkipVerify);
                    Stopwatch sw = Stopwatch.StartNew();
                    Assert.False(LibNet.Connect(me, Bound, netc, "localhost", port), "connected to a self-signed server without a CA");
                    Assert.True(sw.ElapsedMilliseconds < Bound);
                    Assert.Equal(NetError.TlsFailed, netc.LastError);
                    Assert.Equal(NetCtrlState.Error, netc.State);
                    Assert.Contains("against the system's trust store", netc.LastErrorMessage);
                    Assert.Contains("chain is not trusted", netc.LastErrorMessage);

                    // And by a name the certificate does not carry: both reasons are given.
                    Assert.False(LibNet.Connect(me, Bound, netc, "wrong-name.test", port));
                    Assert.Equal(NetError.TlsFailed, netc.LastError);
                    Assert.Contains("does not name the host", netc.LastErrorMessage);
                    Assert.Contains("chain is not trusted", netc.LastErrorMessage);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void ServerOfAnUnknownCaWithoutCaFails()
        {
            using (OpenSslProcess server = OpenSslProcess.Server(_pki, "-rev", out int port))
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    ConfigTls(netc, null);
                    Assert.False(LibNet.Connect(me, Bound, netc, "localhost", port));
                    Assert.Equal(NetError.TlsFailed, netc.LastError);
                    Assert.Contains("trust store", netc.LastErrorMessage);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void ExplicitInsecureOptOutConnectsAndShowsOnTheNetc()
        {
            // TlsInsecureSkipVerify, set by name: any certificate, any name (LuatOS without a CA).
            Adapter.Resolver = host => host == "wrong-name.test" || host == "localhost" ? "127.0.0.1" : null;
            using (OpenSslProcess server = OpenSslProcess.Server(_pki, "-rev", out int port, "selfsigned"))
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    ConfigTls(netc, null);
                    netc.TlsInsecureSkipVerify = true;
                    Assert.True(LibNet.Connect(me, Bound, netc, "wrong-name.test", port), Describe(netc));
                    Assert.True(netc.TlsInsecureSkipVerify);
                    Assert.Throws<InvalidOperationException>(() => netc.TlsInsecureSkipVerify = false);
                    Send(me, netc, "xyz\n");
                    ReceiveUntil(me, netc, "zyx");
                    LibNet.Close(me, Bound, netc);

                    // Kept across Config and reconnects until turned back on.
                    ConfigTls(netc, null);
                    Assert.True(netc.TlsInsecureSkipVerify);
                    netc.TlsInsecureSkipVerify = false;
                    Assert.False(LibNet.Connect(me, Bound, netc, "localhost", port));
                    Assert.Equal(NetError.TlsFailed, netc.LastError);
                    netc.Release();
                    Assert.Throws<ObjectDisposedException>(() => netc.TlsInsecureSkipVerify = true);
                });
            }
        }

        [Fact]
        public void ClientCertificateIsPresentedWhenTheServerRequiresOne()
        {
            using (OpenSslProcess server = OpenSslProcess.Server(_pki, "-rev -Verify 1 -verify_return_error -CAfile ca.pem", out int port))
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    ConfigTls(netc, _pki.CaPem, _pki.ClientPem, _pki.ClientKey);
                    Assert.True(LibNet.Connect(me, Bound, netc, "localhost", port), Describe(netc));
                    Send(me, netc, "mutual\n");
                    ReceiveUntil(me, netc, "lautum");
                    LibNet.Close(me, Bound, netc);
                    netc.Release();
                });
                Assert.NotNull(server.WaitForLine("libnet-client", Bound));
            }
        }

        [Fact]
        public void SilentServerFailsWithinTheDeadline()
        {
            // Accepts TCP, never answers the ClientHello.
            using (Socket listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                listener.Listen(4);
                int port = ((IPEndPoint)listener.LocalEndPoint).Port;
                Socket accepted = null;
                try
                {
                    const int deadline = 1000;
                    long took = 0;
                    InTask(me =>
                    {
                        NetCtrl netc = NetCtrl.Create(Adapter, me);
                        ConfigTls(netc, _pki.CaPem);
                        Stopwatch sw = Stopwatch.StartNew();
                        Assert.False(LibNet.Connect(me, deadline, netc, "127.0.0.1", port));
                        took = sw.ElapsedMilliseconds;
                        Assert.Equal(NetError.Timeout, netc.LastError);
                        netc.Release();
                    });
                    Assert.True(took >= deadline - 50, "returned after " + took + " ms, before the deadline");
                    Assert.True(took < deadline + 1500, "returned after " + took + " ms");
                    Assert.True(listener.Poll(Bound * 1000, SelectMode.SelectRead), "the TCP connect never reached the listener");
                    accepted = listener.Accept();
                }
                finally
                {
                    accepted?.Close();
                }
            }
        }

        [Fact]
        public void UnreadableCaFailsWithTlsFailed()
        {
            using (OpenSslProcess server = OpenSslProcess.Server(_pki, "-rev", out int port))
            {
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    ConfigTls(netc, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
                    Assert.False(LibNet.Connect(me, Bound, netc, "localhost", port));
                    Assert.Equal(NetError.TlsFailed, netc.LastError);
                    Assert.Contains("CA certificate", netc.LastErrorMessage);
                    netc.Release();
                });
            }
        }
    }
}
