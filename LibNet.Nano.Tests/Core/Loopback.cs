using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using NanoLibNet;
using Xunit;

namespace NanoLibNet.Tests.Core
{
    /// <summary>Plain System.Net helpers for the core tests: 127.0.0.1 only.</summary>
    internal static class Loopback
    {
        internal const string Ip = "127.0.0.1";

        /// <summary>A port nothing listens on now (bound once, then closed).</summary>
        internal static int FreePort(bool udp = false)
        {
            using (Socket s = udp
                ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
                : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                return ((IPEndPoint)s.LocalEndPoint).Port;
            }
        }

        /// <summary>A listening TCP socket on 127.0.0.1 (any port).</summary>
        internal static Socket Listener(int backlog = 16, int receiveBuffer = 0)
        {
            Socket l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            if (receiveBuffer > 0)
            {
                // Set before Listen so accepted sockets inherit it (and the window it advertises).
                l.ReceiveBufferSize = receiveBuffer;
            }

            l.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            l.Listen(backlog);
            return l;
        }

        internal static int PortOf(Socket s)
        {
            return ((IPEndPoint)s.LocalEndPoint).Port;
        }

        /// <summary>Accepts one client within the bound.</summary>
        internal static Socket Accept(Socket listener, int timeoutMs = NetTestBound)
        {
            Assert.True(listener.Poll(timeoutMs * 1000, SelectMode.SelectRead), "no client arrived");
            return listener.Accept();
        }

        /// <summary>A blocking client connected to 127.0.0.1:port.</summary>
        internal static Socket Client(int port)
        {
            Socket c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            c.ReceiveTimeout = NetTestBound;
            c.SendTimeout = NetTestBound;
            c.Connect(new IPEndPoint(IPAddress.Loopback, port));
            return c;
        }

        /// <summary>Reads exactly <paramref name="count"/> bytes (or fails at the bound).</summary>
        internal static byte[] ReadExactly(Socket s, int count)
        {
            s.ReceiveTimeout = NetTestBound;
            byte[] b = new byte[count];
            int got = 0;
            while (got < count)
            {
                int n = s.Receive(b, got, count - got, SocketFlags.None);
                Assert.True(n > 0, "peer closed after " + got + " of " + count + " bytes");
                got += n;
            }

            return b;
        }

        /// <summary>Reads until the peer closes; returns everything.</summary>
        internal static byte[] ReadToEnd(Socket s)
        {
            s.ReceiveTimeout = NetTestBound;
            List<byte> all = new List<byte>();
            byte[] b = new byte[65536];
            int n;
            while ((n = s.Receive(b)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    all.Add(b[i]);
                }
            }

            return all.ToArray();
        }

        /// <summary>Bytes 0..n-1 in a pattern that shows reordering and loss (not all equal).</summary>
        internal static byte[] Pattern(int n, int seed = 0)
        {
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++)
            {
                b[i] = (byte)((i * 31 + seed + (i >> 8)) & 0xFF);
            }

            return b;
        }

        internal const int NetTestBound = 10000;

        /// <summary>Milliseconds since <paramref name="sw"/> started.</summary>
        internal static long Ms(Stopwatch sw)
        {
            return sw.ElapsedMilliseconds;
        }
    }

    /// <summary>
    /// A TCP peer on 127.0.0.1 that never completes a new handshake: a listener with backlog 0
    /// whose accept queue is filled by connections nobody accepts; Linux then drops further SYNs
    /// (checked empirically: with net.ipv4.tcp_abort_on_overflow = 0 a connect just hangs).
    /// The constructor proves it: it fills until a probe connect does not finish in 200 ms.
    /// </summary>
    internal sealed class StalledListener : IDisposable
    {
        private readonly Socket _listener;
        private readonly List<Socket> _fillers = new List<Socket>();

        internal StalledListener()
        {
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            _listener.Listen(0);
            Port = Loopback.PortOf(_listener);
            for (int i = 0; i < 8; i++)
            {
                Socket c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                c.Blocking = false;
                try
                {
                    c.Connect(new IPEndPoint(IPAddress.Loopback, Port));
                }
                catch (SocketException se) when (se.SocketErrorCode == SocketError.WouldBlock || se.SocketErrorCode == SocketError.InProgress)
                {
                    // Completes (or not) below.
                }

                bool done = c.Poll(200 * 1000, SelectMode.SelectWrite);
                if (!done)
                {
                    c.Close();
                    Filled = i;
                    return;
                }

                _fillers.Add(c);
            }

            Dispose();
            throw new InvalidOperationException("this machine completes every loopback connect: the backlog trick does not stall a handshake here");
        }

        internal int Port { get; }

        /// <summary>Connections it took to fill the accept queue.</summary>
        internal int Filled { get; private set; }

        public void Dispose()
        {
            foreach (Socket c in _fillers)
            {
                c.Close();
            }

            _listener.Close();
        }
    }
}
