using System;
using System.Net;
using System.Net.Sockets;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Core
{
    /// <summary>
    /// <see cref="NetCtrl.LastErrorMessage"/> says what happened and with whom, built from the
    /// socket error code and the end point: on the device <c>SocketException.Message</c> is only
    /// "Exception was thrown: System.Net.Sockets.SocketException", so nothing may rely on it.
    /// </summary>
    public class ErrorMessageTests : NetTest
    {
        /// <summary>A SocketException as nanoFramework makes one: the cause only in the error code.</summary>
        private sealed class NanoStyleSocketException : SocketException
        {
            public NanoStyleSocketException(int errorCode)
                : base(errorCode)
            {
            }

            public override string Message => "Exception was thrown: System.Net.Sockets.SocketException";
        }

        [Fact]
        public void RefusedConnectNamesTheCodeAndTheEndPoint()
        {
            int port = Loopback.FreePort();
            InTask(me =>
            {
                NetCtrl netc = NetCtrl.Create(Adapter, me);
                Assert.False(LibNet.Connect(me, Bound, netc, Loopback.Ip, port));
                Assert.Equal(NetError.Refused, netc.LastError);
                Assert.Equal("connection refused (10061) 127.0.0.1:" + port, netc.LastErrorMessage);
                netc.Release();
            });
        }

        [Fact]
        public void RefusedConnectToANameAlsoNamesTheHost()
        {
            int port = Loopback.FreePort();
            Adapter.Resolver = host => host == "down.test" ? "127.0.0.1" : null;
            InTask(me =>
            {
                NetCtrl netc = NetCtrl.Create(Adapter, me);
                Assert.False(LibNet.Connect(me, Bound, netc, "down.test", port));
                Assert.Equal(NetError.Refused, netc.LastError);
                Assert.Equal("connection refused (10061) 127.0.0.1:" + port + " (down.test)", netc.LastErrorMessage);
                netc.Release();
            });
        }

        [Fact]
        public void ListenOnAPortInUseNamesTheCodeAndTheAddress()
        {
            using (Socket taken = Loopback.Listener())
            {
                int port = Loopback.PortOf(taken);
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    netc.Config(port, false, false);
                    Assert.False(netc.Listen(out bool accepted));
                    Assert.Equal(NetError.AddressInUse, netc.LastError);
                    Assert.Equal("address in use (10048) listening on 127.0.0.1:" + port, netc.LastErrorMessage);
                    netc.Release();
                });
            }
        }

        /// <summary>In a task: connects to a plain loopback peer, lets the peer end the connection with <paramref name="peerEnds"/>, then runs <paramref name="then"/> (with the peer's port).</summary>
        private void AfterThePeerEnds(Action<Socket> peerEnds, Action<string, NetCtrl, int> then)
        {
            using (Socket listener = Loopback.Listener())
            {
                int port = Loopback.PortOf(listener);
                InTask(me =>
                {
                    NetCtrl netc = NetCtrl.Create(Adapter, me);
                    Assert.True(LibNet.Connect(me, Bound, netc, Loopback.Ip, port), netc.LastErrorMessage);
                    using (Socket peer = Loopback.Accept(listener))
                    {
                        peerEnds(peer);
                    }

                    then(me, netc, port);
                    LibNet.Close(me, Bound, netc);
                    netc.Release();
                });
            }
        }

        [Fact]
        public void ResetByThePeerNamesTheCodeAndThePeer()
        {
            AfterThePeerEnds(
                peer =>
                {
                    // Data left unread when the peer closes with linger 0: the close is a reset.
                    peer.Send(new byte[] { 1, 2, 3 });
                    peer.LingerState = new LingerOption(true, 0);
                    peer.Close();
                },
                (me, netc, port) =>
                {
                    byte[] buf = new byte[16];
                    bool ok = true;
                    for (int i = 0; i < 10 && ok; i++)
                    {
                        ok = LibNet.Wait(me, Bound, netc, out bool ev) && netc.Rx(buf, 0, buf.Length, out int n);
                    }

                    Assert.False(ok, "the reset was never reported");
                    Assert.Equal(NetCtrlState.Error, netc.State);
                    Assert.Equal(NetError.Reset, netc.LastError);
                    Assert.Equal("connection reset (10054) with 127.0.0.1:" + port, netc.LastErrorMessage);
                });
        }

        [Fact]
        public void WaitLoopEndsOnANormalCloseWithStateClosedAndNoError()
        {
            // The README's loop: everything the peer sent is read, then the loop ends with
            // State Closed and no error (a failure would leave State Error and LastError).
            AfterThePeerEnds(
                peer =>
                {
                    peer.Send(new byte[] { 1, 2, 3, 4, 5 });
                    peer.Shutdown(SocketShutdown.Both);
                },
                (me, netc, port) =>
                {
                    byte[] buf = new byte[2];
                    int total = 0;
                    int turns = 0;
                    while (LibNet.Wait(me, Bound, netc, out bool ev))
                    {
                        Assert.True(++turns < 100, "the loop did not end");
                        Assert.True(ev, "Wait timed out");
                        if (!netc.Rx(buf, 0, buf.Length, out int n))
                        {
                            break;
                        }

                        total += n;
                    }

                    Assert.Equal(5, total);
                    Assert.Equal(NetCtrlState.Closed, netc.State);
                    Assert.Equal(NetError.None, netc.LastError);
                });
        }

        [Theory]
        [InlineData(10061, NetError.Refused, "connection refused (10061) 127.0.0.1:47412")]
        [InlineData(10060, NetError.Timeout, "timed out (10060) 127.0.0.1:47412")]
        [InlineData(10054, NetError.Reset, "connection reset (10054) 127.0.0.1:47412")]
        [InlineData(10065, NetError.Unreachable, "host unreachable (10065) 127.0.0.1:47412")]
        [InlineData(10048, NetError.AddressInUse, "address in use (10048) 127.0.0.1:47412")]
        [InlineData(11001, NetError.HostNotFound, "host not found (11001) 127.0.0.1:47412")]
        [InlineData(12345, NetError.Failed, "socket error (12345) 127.0.0.1:47412")]
        public void MessageAndCodeComeFromTheErrorCodeAlone(int errorCode, int netError, string message)
        {
            // The device's path: nano's SocketException carries only ErrorCode and a generic Message.
            Assert.Equal(netError, SocketErrors.MapCode(errorCode));
            Assert.Equal(message, SocketErrors.Describe(errorCode, "127.0.0.1:47412"));

            NetFailure f = SocketErrors.Failure(new NanoStyleSocketException(errorCode), "127.0.0.1:47412");
            Assert.Equal(netError, f.Code);
            Assert.Equal(message, f.Message);
            Assert.Equal(netError, SocketErrors.Map(new NanoStyleSocketException(errorCode)));
        }

        [Theory]
        [InlineData(8, "certificate verification failed (flags 8: not trusted)")]
        [InlineData(12, "certificate verification failed (flags 12: not trusted name mismatch)")]
        [InlineData(-30592, "mbedTLS error -30592 (the server sent a fatal alert: e.g. no cipher suite in common)")]
        [InlineData(10054, "connection reset (10054)")]
        public void NanoTlsHandshakeCodesAreNamed(int errorCode, string text)
        {
            // Seen on the nanoCLR (nanovm): a server the device store does not trust gives 8
            // (MBEDTLS_X509_BADCERT_NOT_TRUSTED), a server with no cipher suite in common -30592.
            Assert.Equal(text, SocketErrors.TlsHandshakeCode(errorCode));
        }

        [Fact]
        public void EndPointTextShowsTheNameOnlyWhenItWasNotTheAddress()
        {
            Assert.Equal("127.0.0.1:80", SocketErrors.EndPointText(IPAddress.Loopback, 80, "127.0.0.1"));
            Assert.Equal("[::1]:80", SocketErrors.EndPointText(IPAddress.IPv6Loopback, 80, "[::1]"));
            Assert.Equal("[::1]:80", SocketErrors.EndPointText(IPAddress.IPv6Loopback, 80, "::1"));
            Assert.Equal("127.0.0.1:443 (example.test)", SocketErrors.EndPointText(IPAddress.Loopback, 443, "example.test"));
        }
    }
}
