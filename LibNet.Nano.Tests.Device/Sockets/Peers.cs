using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using nanoFramework.TestFramework;

namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// Loopback peers written with nano's own blocking <c>Socket</c> on plain threads, started by
    /// the tests themselves (TCP echo, UDP echo, a client, a listener nobody accepts from). Where
    /// there are no loopback sockets (a board without a network), <see cref="RequireSockets"/>
    /// skips the test with the reason.
    /// </summary>
    public static class Peers
    {
        /// <summary>The loopback address every peer binds to.</summary>
        public const string Ip = "127.0.0.1";

        /// <summary>A socket adapter for a test: nano's System.Net, poll-sweep engine, listeners on loopback only; in the leak check.</summary>
        public static SocketAdapter Adapter()
        {
            SocketAdapter a = new SocketAdapter();
            a.BindAddress = Ip;
            Env.Track(a);
            return a;
        }

        /// <summary>Starts a socket test: <see cref="Env.Begin"/>, <see cref="RequireSockets"/>, then a fresh <see cref="Adapter"/>.</summary>
        public static SocketAdapter Begin()
        {
            Env.Begin();
            RequireSockets();
            return Adapter();
        }

        /// <summary>Skips the test unless a loopback TCP connection can be made here.</summary>
        public static void RequireSockets()
        {
            Socket l = null;
            Socket c = null;
            Socket s = null;
            try
            {
                l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                l.Bind(new IPEndPoint(IPAddress.Parse(Ip), 0));
                l.Listen(1);
                c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                c.Connect(new IPEndPoint(IPAddress.Parse(Ip), PortOf(l)));
                s = l.Accept();
            }
            catch (Exception ex)
            {
                Assert.SkipTest("no loopback TCP sockets here (" + ex.GetType().Name + " " + ErrorCode(ex) + "): the socket tests need nanovm or a board with a network");
            }
            finally
            {
                CloseQuietly(s);
                CloseQuietly(c);
                CloseQuietly(l);
            }
        }

        /// <summary>The port a bound socket got.</summary>
        public static int PortOf(Socket s)
        {
            return ((IPEndPoint)s.LocalEndPoint).Port;
        }

        private static readonly Random s_random = new Random();

        /// <summary>
        /// A loopback port nothing uses now, for a listener the test starts later. Picked from
        /// 20000-29999, below the ephemeral ranges (Linux 32768-60999, lwIP 49152-65535): a port
        /// from the ephemeral range may be taken meanwhile as the local port of some outgoing
        /// connection (other programs on the machine included), which fails the test's bind.
        /// </summary>
        public static int FreePort()
        {
            for (int attempt = 0; attempt < 50; attempt++)
            {
                int port = 20000 + s_random.Next(10000);
                Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                try
                {
                    s.Bind(new IPEndPoint(IPAddress.Parse(Ip), port));
                    return port;
                }
                catch (SocketException)
                {
                    // In use: try another.
                }
                finally
                {
                    s.Close();
                }
            }

            throw new InvalidOperationException("no free port in 20000-29999 after 50 tries");
        }

        /// <summary>The <c>SocketException.ErrorCode</c> of an exception, or -1.</summary>
        public static int ErrorCode(Exception ex)
        {
            SocketException se = ex as SocketException;
            return se == null ? -1 : se.ErrorCode;
        }

        /// <summary>Closes a socket, ignoring what a second close throws.</summary>
        public static void CloseQuietly(Socket s)
        {
            if (s == null)
            {
                return;
            }

            try
            {
                s.Close();
            }
            catch (Exception)
            {
                // Already closed.
            }
        }

        /// <summary>A new loopback TCP listener on an ephemeral port.</summary>
        public static Socket Listener(int backlog)
        {
            Socket l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            l.Bind(new IPEndPoint(IPAddress.Parse(Ip), 0));
            l.Listen(backlog);
            return l;
        }

        /// <summary>
        /// Peer thread: accepts one client, reads one byte, waits (bounded) until the rest of what
        /// the client sent (<paramref name="expect"/> bytes in all) has arrived, then closes with
        /// those bytes unread, which makes the stack send a reset. Ends quietly when the listener
        /// is closed first.
        /// </summary>
        public static void AcceptReadOneAndReset(Socket listener, int expect)
        {
            Socket c = null;
            try
            {
                c = listener.Accept();
                byte[] one = new byte[1];
                c.Receive(one, 0, 1, SocketFlags.None);
                long t0 = Clock.Now;
                while (c.Available < expect - 1 && Clock.Since(t0) < Env.Bound)
                {
                    c.Poll(10000, SelectMode.SelectRead);
                }
            }
            catch (Exception)
            {
                // The listener was closed: the test failed before it connected.
            }

            CloseQuietly(c);
        }

        /// <summary>
        /// What nano's <c>Socket.Receive</c> does on a connection the peer reset: 0 when it returns 0
        /// (an end of stream), else the <c>SocketException.ErrorCode</c> it throws.
        /// </summary>
        public static int ReceiveAfterReset()
        {
            Socket l = Listener(1);
            Socket c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            Thread peer = Run(() => AcceptReadOneAndReset(l, 200));
            try
            {
                c.Connect(new IPEndPoint(IPAddress.Parse(Ip), PortOf(l)));
                c.Send(new byte[200], 0, 200, SocketFlags.None);
                Assert.IsTrue(peer.Join(Env.Bound), "the resetting peer did not end");
                c.ReceiveTimeout = Env.Bound;
                int n = c.Receive(new byte[16], 0, 16, SocketFlags.None);
                Assert.AreEqual(0, n, "Receive after a reset returned data");
                return 0;
            }
            catch (SocketException se)
            {
                return se.ErrorCode;
            }
            finally
            {
                CloseQuietly(c);
                CloseQuietly(l);
            }
        }

        /// <summary>Starts a thread; the caller joins it.</summary>
        public static Thread Run(ThreadStart body)
        {
            Thread t = new Thread(body);
            t.Start();
            return t;
        }

        /// <summary>Receives exactly <paramref name="count"/> bytes (blocking; false when the peer closed first).</summary>
        public static bool ReceiveAll(Socket s, byte[] buffer, int count)
        {
            int got = 0;
            while (got < count)
            {
                int n = s.Receive(buffer, got, count - got, SocketFlags.None);
                if (n <= 0)
                {
                    return false;
                }

                got += n;
            }

            return true;
        }
    }
}
