using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using NanoLibNet.Tests.Concurrency;
using Xunit;

namespace NanoLibNet.Tests.Core
{
    /// <summary>
    /// A peer's orderly close is answered with an orderly close (FIN), never a reset, whichever
    /// thread saw the end. Desktop .NET closes a TCP socket abortively when another thread is in a
    /// call on it (the engine's Select), so when a task read the end of the stream itself (its
    /// first poll) and closed the socket on its own thread, the peer got a reset, about 1 run in
    /// 6 of the server sample's test, until the transport shut its sending side down before closing.
    /// </summary>
    public class OrderlyCloseTests : NetTest
    {
        [Fact]
        public void APeersOrderlyCloseIsAnsweredWithAnOrderlyCloseNotAReset()
        {
            int rounds = Races.Iterations(100);
            for (int round = 0; round < rounds; round++)
            {
                using (Socket listener = Loopback.Listener())
                {
                    int port = Loopback.PortOf(listener);
                    int ended = 0;
                    for (int k = 0; k < 3; k++)
                    {
                        StartTask(UniqueName("fin"), me =>
                        {
                            NetCtrl n = NetCtrl.Create(Adapter, me);
                            Assert.True(LibNet.Connect(me, Bound, n, Loopback.Ip, port));
                            byte[] buf = new byte[64];
                            while (LibNet.Wait(me, Bound, n, out bool ev))
                            {
                                if (!n.Rx(buf, 0, buf.Length, out int r))
                                {
                                    break;
                                }

                                Assert.True(LibNet.Tx(me, Bound, n, buf, 0, r, out bool full));
                            }

                            Assert.Equal(NetCtrlState.Closed, n.State);
                            Assert.Equal(NetError.None, n.LastError);
                            LibNet.Close(me, Bound, n);
                            n.Release();
                            Interlocked.Increment(ref ended);
                        });
                    }

                    List<Socket> peers = new List<Socket>();
                    try
                    {
                        for (int k = 0; k < 3; k++)
                        {
                            Socket p = Loopback.Accept(listener);
                            p.ReceiveTimeout = Bound;
                            peers.Add(p);
                        }

                        for (int k = peers.Count - 1; k >= 0; k--)
                        {
                            byte[] line = Encoding.ASCII.GetBytes("peer " + k + " says hello\n");
                            peers[k].Send(line);
                            Assert.Equal(line, Loopback.ReadExactly(peers[k], line.Length));
                        }

                        // Each peer hangs up in order; each must see the task hang up in order too.
                        foreach (Socket p in peers)
                        {
                            p.Shutdown(SocketShutdown.Send);
                            int got;
                            try
                            {
                                got = p.Receive(new byte[1]);
                            }
                            catch (SocketException se)
                            {
                                throw new Xunit.Sdk.XunitException("round " + round + ": the task's side answered the peer's close with " + se.SocketErrorCode);
                            }

                            Assert.Equal(0, got);
                        }
                    }
                    finally
                    {
                        foreach (Socket p in peers)
                        {
                            p.Close();
                        }
                    }

                    JoinAll();
                    Assert.Equal(3, ended);
                }
            }
        }
    }
}
