using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests
{
    /// <summary>LibNet as a TLS server for <c>openssl s_client</c> on 127.0.0.1.</summary>
    public class TlsServerTests : NetTest, IClassFixture<TestPki>
    {
        private readonly TestPki _pki;

        public TlsServerTests(TestPki pki)
        {
            _pki = pki;
        }

        private static int FreePort()
        {
            using (Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                return ((IPEndPoint)s.LocalEndPoint).Port;
            }
        }

        private OpenSslProcess StartClient(int port, bool withCert)
        {
            return OpenSslProcess.Start(
                "s_client -connect 127.0.0.1:" + port + " -servername localhost -verify_hostname localhost"
                + " -CAfile ca.pem -verify_return_error -quiet"
                + (withCert ? " -cert client.pem -key client.key" : ""),
                _pki.Dir);
        }

        // Config of a TLS listener: clientCert/clientKey = the server's own; serverCert = the CA
        // client certificates must chain to (set = a client certificate is required).
        private void ConfigListener(NetCtrl lst, int port, string clientCa)
        {
            Assert.True(lst.Config(port, false, true, 0, 0, 0, clientCa, _pki.ServerPem, _pki.ServerKey, null, 4096, 4096));
        }

        /// <summary>Accepts one client on the listener and talks to it: reads a line, answers one.</summary>
        private static void ServeOne(string me, NetCtrl lst, string expect, string answer)
        {
            Assert.True(LibNet.Listen(me, Bound, lst), "no client: " + NetError.Name(lst.LastAcceptError) + " " + lst.LastAcceptErrorMessage);
            Assert.True(lst.Accept(me, out NetCtrl client));
            Assert.Equal(NetCtrlState.Online, client.State);
            Assert.True(client.IsTls);
            TlsClientTests.ReceiveUntil(me, client, expect);
            TlsClientTests.Send(me, client, answer);
            LibNet.Close(me, Bound, client);
            client.Release();
        }

        [Fact]
        public void OpenSslClientTalksBothWays()
        {
            int port = FreePort();
            using (ManualResetEventSlim listening = new ManualResetEventSlim())
            {
                StartTask(UniqueName("srv"), me =>
                {
                    NetCtrl lst = NetCtrl.Create(Adapter, me);
                    try
                    {
                        ConfigListener(lst, port, null);
                        Assert.True(lst.Listen(out _), NetError.Name(lst.LastError) + " " + lst.LastErrorMessage);
                        listening.Set();
                        ServeOne(me, lst, "hello from s_client", "hello from libnet\n");
                    }
                    finally
                    {
                        listening.Set();
                        lst.Release();
                    }
                });
                Assert.True(listening.Wait(Bound));
                using (OpenSslProcess client = StartClient(port, false))
                {
                    client.WriteLine("hello from s_client");
                    Assert.True(client.WaitForLine("hello from libnet", Bound) != null, "s_client output:\n" + client.Output);
                    JoinAll();
                }
            }
        }

        [Fact]
        public void MissingRequiredClientCertificateIsRefusedAndTheListenerKeepsWorking()
        {
            int port = FreePort();
            using (ManualResetEventSlim listening = new ManualResetEventSlim())
            using (ManualResetEventSlim refusedSeen = new ManualResetEventSlim())
            {
                NetCtrl seen = null;
                StartTask(UniqueName("srv"), me =>
                {
                    NetCtrl lst = NetCtrl.Create(Adapter, me);
                    seen = lst;
                    try
                    {
                        ConfigListener(lst, port, _pki.CaPem);
                        Assert.True(lst.Listen(out _));
                        listening.Set();

                        // The client without a certificate never reaches the accept queue.
                        Assert.True(SpinWait.SpinUntil(() => lst.AcceptFailures == 1, Bound), "the client was not refused");
                        Assert.Equal(0, lst.AcceptPending);
                        Assert.Equal(NetError.TlsFailed, lst.LastAcceptError);
                        Assert.Contains("sent no certificate", lst.LastAcceptErrorMessage);
                        refusedSeen.Set();

                        ServeOne(me, lst, "with a certificate", "welcome\n");
                    }
                    finally
                    {
                        listening.Set();
                        refusedSeen.Set();
                        lst.Release();
                    }
                });
                Assert.True(listening.Wait(Bound));
                using (OpenSslProcess refused = StartClient(port, false))
                {
                    refused.WriteLine("without a certificate");
                    Assert.True(refused.WaitExit(Bound), "s_client without a certificate was not refused:\n" + refused.Output);
                    Assert.NotEqual(0, refused.ExitCode);
                }

                Assert.True(refusedSeen.Wait(Bound));
                using (OpenSslProcess client = StartClient(port, true))
                {
                    client.WriteLine("with a certificate");
                    Assert.True(client.WaitForLine("welcome", Bound) != null, "s_client output:\n" + client.Output);
                    JoinAll();
                }
            }
        }

        [Fact]
        public void SilentClientIsDroppedAtTheAcceptDeadlineOffTheListenersPath()
        {
            // Long enough for an s_client to start and be served meanwhile on a loaded machine
            // (600 to 800 ms seen at load average 10 on 2 cores).
            const int deadline = 4000;
            int port = FreePort();
            Adapter.TlsAcceptTimeout = deadline;
            using (ManualResetEventSlim listening = new ManualResetEventSlim())
            using (Socket silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                int failuresWhenServed = -1;
                StartTask(UniqueName("srv"), me =>
                {
                    NetCtrl lst = NetCtrl.Create(Adapter, me);
                    try
                    {
                        ConfigListener(lst, port, null);
                        Assert.True(lst.Listen(out _));
                        listening.Set();

                        // A real client is served while the silent one's handshake is pending...
                        ServeOne(me, lst, "while the silent one waits", "served\n");
                        failuresWhenServed = lst.AcceptFailures;

                        // ...the silent one is then dropped at its deadline, counted, and the
                        // listener listens on and serves the next one.
                        Assert.True(SpinWait.SpinUntil(() => lst.AcceptFailures == 1, Bound), "the silent client was not dropped");
                        Assert.Equal(NetError.Timeout, lst.LastAcceptError);
                        Assert.Equal(NetCtrlState.Listening, lst.State);
                        ServeOne(me, lst, "after the silent one", "served again\n");
                    }
                    finally
                    {
                        listening.Set();
                        lst.Release();
                    }
                });
                Assert.True(listening.Wait(Bound));
                silent.Connect(new IPEndPoint(IPAddress.Loopback, port));
                Stopwatch sinceConnect = Stopwatch.StartNew();

                // Its handshake runs on a connect worker (the engine's thread plus one).
                Until(() => Adapter.ThreadCount >= 2, "the silent client's handshake is under way");
                using (OpenSslProcess client = StartClient(port, false))
                {
                    client.WriteLine("while the silent one waits");
                    Assert.True(client.WaitForLine("served", Bound) != null, "s_client output:\n" + client.Output);
                }

                Assert.False(silent.Poll(0, SelectMode.SelectRead), "the silent client was dropped before the real one was served (" + sinceConnect.ElapsedMilliseconds + " ms)");

                // The server closes it at the deadline: the silent client reads end of stream (or a reset).
                Assert.True(silent.Poll(Bound * 1000, SelectMode.SelectRead));
                long droppedAfter = sinceConnect.ElapsedMilliseconds;
                Assert.True(droppedAfter >= deadline - 50, "dropped " + droppedAfter + " ms after it connected, before the " + deadline + " ms deadline");
                Assert.True(droppedAfter < deadline + Slack, "dropped " + droppedAfter + " ms after it connected, not at the " + deadline + " ms deadline");
                try
                {
                    Assert.Equal(0, silent.Receive(new byte[1]));
                }
                catch (SocketException se)
                {
                    Assert.Equal(SocketError.ConnectionReset, se.SocketErrorCode);
                }

                using (OpenSslProcess client = StartClient(port, false))
                {
                    client.WriteLine("after the silent one");
                    Assert.True(client.WaitForLine("served again", Bound) != null, "s_client output:\n" + client.Output);
                    JoinAll();
                }

                Assert.Equal(0, failuresWhenServed);
            }
        }

        [Fact]
        public void ListenerWithoutCertificateFailsAtListen()
        {
            InTask(me =>
            {
                NetCtrl lst = NetCtrl.Create(Adapter, me);
                Assert.True(lst.Config(FreePort(), false, true));
                Assert.False(LibNet.Listen(me, Bound, lst));
                Assert.Equal(NetError.TlsFailed, lst.LastError);
                Assert.Contains("needs its certificate", lst.LastErrorMessage);
                lst.Release();
            });
        }
    }
}
