using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using NanoLibNet.Samples;
using Xunit;

namespace NanoLibNet.Tests.Packaging
{
    /// <summary>
    /// The samples' host variants, run against loopback peers: the same sample classes the
    /// ESP32 projects compile, on this test's loopback adapter (so the leak check covers them).
    /// </summary>
    public class SampleTests : NetTest
    {
        [Fact]
        public void TcpClientReconnectsAfterThePeerHangsUp()
        {
            // A peer that echoes two lines per connection and then hangs up: the client must see
            // the end, close, and connect again, three times.
            using (var peer = new HangUpPeer(linesPerConnection: 2))
            {
                var client = new TcpClientSample(Adapter, "127.0.0.1", peer.Port)
                {
                    Sessions = 3,
                    ReconnectDelayMs = 20,
                    SendIntervalMs = 0,
                    ReplyTimeoutMs = Bound,
                };
                Assert.True(client.Start());
                Assert.True(client.WaitDone(Bound * 3), "the client task did not end");
                Assert.Equal(3, client.Connects);
                Assert.Equal(0, client.ConnectFailures);
                Assert.Equal(6, client.Echoes);
                Assert.Equal(0, client.Mismatches);
                Assert.Equal(3, peer.Accepted);
            }
        }

        [Fact]
        public void TcpClientStopEndsItsPauseAtOnce()
        {
            using (EchoPeer peer = EchoPeer.Tcp())
            {
                var client = new TcpClientSample(Adapter, "127.0.0.1", peer.Port)
                {
                    EchoesPerSession = 1,
                    ReconnectDelayMs = 600000,
                    ReplyTimeoutMs = Bound,
                };
                Assert.True(client.Start());

                // After its one echo the client closes, releases its netc and pauses ten minutes
                // before reconnecting; Stop must end that pause through the task's mailbox. Stop
                // only once the task is in the pause: its netc is gone and its thread waits.
                Until(() => client.Connects == 1 && client.Echoes == 1 && Adapter.SocketCount == 0 && Blocked(TcpClientSample.TaskName), "the client pauses");
                Stopwatch sw = Stopwatch.StartNew();
                client.Stop();
                Assert.True(client.WaitDone(Bound), "Stop did not end the task");
                Assert.True(sw.ElapsedMilliseconds < Slack, "Stop ended the pause after " + sw.ElapsedMilliseconds + " ms, not at once");
                Assert.Equal(1, client.Connects);
            }
        }

        [Fact]
        public void TcpServerServesClientsAtOnceWithATaskEach()
        {
            int port = FreePort();
            var server = new TcpServerSample(Adapter, port) { MaxClients = 3, ClientIdleMs = Bound };
            Assert.True(server.Start());
            Assert.True(server.Listening.WaitOne(Bound), "the server did not listen");

            var clients = new List<Socket>();
            try
            {
                for (int i = 0; i < 3; i++)
                {
                    var c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { ReceiveTimeout = Bound };
                    c.Connect(new IPEndPoint(IPAddress.Loopback, port));
                    clients.Add(c);
                }

                // Last connected first: with one client at a time this would wait for the others.
                int expected = 0;
                for (int i = clients.Count - 1; i >= 0; i--)
                {
                    byte[] line = Encoding.ASCII.GetBytes("client " + i + " says hello\n");
                    clients[i].Send(line);
                    Assert.Equal(line, ReceiveExactly(clients[i], line.Length));
                    expected += line.Length;
                }

                foreach (Socket c in clients)
                {
                    c.Shutdown(SocketShutdown.Send);
                    Assert.Equal(0, c.Receive(new byte[1]));
                }

                Assert.True(server.WaitDone(Bound * 3), "the server did not end after its 3 clients");
                Assert.Equal(3, server.Accepted);
                Assert.Equal(3, server.Served);
                Assert.Equal(expected, server.BytesEchoed);
            }
            finally
            {
                foreach (Socket c in clients)
                {
                    c.Close();
                }

                server.Stop();
                server.WaitDone(Bound);
            }
        }

        [Fact]
        public void UdpGetsEveryDatagramBack()
        {
            using (EchoPeer peer = EchoPeer.Udp())
            {
                var udp = new UdpSample(Adapter, "127.0.0.1", peer.Port) { Rounds = 10, SendIntervalMs = 0, ReplyTimeoutMs = Bound };
                Assert.True(udp.Start());
                Assert.True(udp.WaitDone(Bound * 3), "the UDP task did not end");
                Assert.Equal(10, udp.Sent);
                Assert.Equal(10, udp.Replies);
                Assert.Equal(0, udp.Lost);
            }
        }

        [Fact]
        public void SelfTestPassesEveryScenarioAgainstTheEchoPeer()
        {
            using (EchoPeer tcp = EchoPeer.Tcp())
            using (EchoPeer udp = EchoPeer.Udp())
            {
                var test = new SelfTest(Adapter, "127.0.0.1", tcp.Port, udp.Port);
                bool ok = test.Run(Bound * 6);
                string report = string.Join("\n", test.Lines);
                Assert.True(ok, report);
                Assert.Equal(0, test.Failed);
                Assert.Equal(0, test.Skipped);
                Assert.Equal(9, test.Passed);
                Assert.All(test.Lines, l => Assert.StartsWith("PASS ", l));
            }
        }

        [Fact]
        public void SelfTestReportsAFailure()
        {
            // No peer on the port: the scenarios that need one must FAIL, not hang or pass.
            var test = new SelfTest(Adapter, "127.0.0.1", FreePort(), 0);
            Assert.False(test.Run(Bound * 6));
            Assert.True(test.Failed >= 5, string.Join("\n", test.Lines));
            Assert.Equal(1, test.Skipped);
            Assert.Contains(test.Lines, l => l.StartsWith("FAIL connect:", StringComparison.Ordinal));
            Assert.Contains(test.Lines, l => l.StartsWith("PASS link up", StringComparison.Ordinal));
        }

        public static IEnumerable<object[]> HostMains()
        {
            yield return new object[] { "Esp32TcpClient" };
            yield return new object[] { "Esp32TcpServer" };
            yield return new object[] { "Esp32Udp" };
            yield return new object[] { "SelfTest" };
        }

        [Theory]
        [MemberData(nameof(HostMains))]
        public void HostMainExitsZero(string sample)
        {
            // What `dotnet run --project samples/<sample>` does, with its own loopback peers, but on
            // a loopback adapter of this test, so the leak check covers what the sample leaves
            // behind: the server's Main passes it to Run, the others use NetAdapter.Default.
            SocketAdapter adapter = Track(new SocketAdapter { BindAddress = "127.0.0.1" });
            Func<int> main = sample switch
            {
                "Esp32TcpClient" => () => NanoLibNet.Samples.TcpClient.Program.Main(new string[0]),
                "Esp32TcpServer" => () => NanoLibNet.Samples.TcpServer.Program.Run(adapter),
                "Esp32Udp" => () => NanoLibNet.Samples.Udp.Program.Main(new string[0]),
                _ => () => NanoLibNet.Samples.SelfTestApp.Program.Main(new string[0]),
            };
            NetAdapter before = NetAdapter.Default;
            NetAdapter.Default = adapter;
            try
            {
                int exit = -1;
                Exception fault = null;
                Thread run = new Thread(() =>
                {
                    try
                    {
                        exit = main();
                    }
                    catch (Exception ex)
                    {
                        fault = ex;
                    }
                });
                run.Start();

                // The sample must really run on this adapter, else the leak check proves nothing.
                bool used = SpinWait.SpinUntil(() => adapter.SocketCount > 0, Bound);
                Assert.True(run.Join(Bound * 12), sample + " did not end");
                Assert.Null(fault);
                Assert.True(used, sample + " never opened a socket on the adapter it was given");
                Assert.Equal(0, exit);
            }
            finally
            {
                NetAdapter.Default = before;
            }
        }

        private static byte[] ReceiveExactly(Socket s, int count)
        {
            byte[] b = new byte[count];
            int got = 0;
            while (got < count)
            {
                int n = s.Receive(b, got, count - got, SocketFlags.None);
                Assert.True(n > 0, "the server closed early");
                got += n;
            }

            return b;
        }

        private static int FreePort()
        {
            using (var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                return ((IPEndPoint)s.LocalEndPoint).Port;
            }
        }

        /// <summary>A loopback TCP peer that echoes a few lines per connection, then closes it.</summary>
        private sealed class HangUpPeer : IDisposable
        {
            private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
            private readonly Thread _thread;
            private readonly int _lines;
            private int _accepted;

            public HangUpPeer(int linesPerConnection)
            {
                _lines = linesPerConnection;
                _listener.Start();
                Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
                _thread = new Thread(Loop) { IsBackground = true };
                _thread.Start();
            }

            public int Port { get; }

            public int Accepted => Volatile.Read(ref _accepted);

            private void Loop()
            {
                try
                {
                    while (true)
                    {
                        using (Socket c = _listener.AcceptSocket())
                        {
                            Interlocked.Increment(ref _accepted);
                            c.ReceiveTimeout = Bound;
                            byte[] b = new byte[1];
                            int lines = 0;
                            while (lines < _lines && c.Receive(b) == 1)
                            {
                                c.Send(b);
                                if (b[0] == (byte)'\n')
                                {
                                    lines++;
                                }
                            }
                        }
                    }
                }
                catch (SocketException)
                {
                    // Stopped.
                }
                catch (ObjectDisposedException)
                {
                    // Stopped.
                }
                catch (InvalidOperationException)
                {
                    // Stopped between two connections: TcpListener says "not listening" then.
                }
            }

            public void Dispose()
            {
                _listener.Stop();
                _thread.Join(Bound);
            }
        }
    }
}
