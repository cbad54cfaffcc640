using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace NanoLibNet.Bench
{
    /// <summary>
    /// The loopback TCP echo peer both sides of every echo figure talk to: plain blocking
    /// System.Net, one thread per client (the lowest-latency way to echo on this machine, so the
    /// baseline is not padded). NoDelay on its sockets so the peer itself never waits on Nagle.
    /// </summary>
    internal sealed class ThreadedEchoPeer : IDisposable
    {
        private readonly Socket _listener;
        private readonly List<Socket> _clients = new List<Socket>();
        private volatile bool _stopped;

        internal ThreadedEchoPeer(int port = 0)
        {
            _listener = Loop.Listener(512, port);
            Port = Loop.PortOf(_listener);
            Thread t = new Thread(AcceptLoop) { IsBackground = true, Name = "echo-accept" };
            t.Start();
        }

        internal int Port { get; }

        private void AcceptLoop()
        {
            try
            {
                while (!_stopped)
                {
                    Socket c = _listener.Accept();
                    c.NoDelay = true;
                    lock (_clients)
                    {
                        _clients.Add(c);
                    }

                    Thread t = new Thread(() => Echo(c)) { IsBackground = true, Name = "echo" };
                    t.Start();
                }
            }
            catch (Exception)
            {
                // Listener closed: the peer is stopping.
            }
        }

        private static void Echo(Socket c)
        {
            byte[] buf = new byte[65536];
            try
            {
                while (true)
                {
                    int n = c.Receive(buf, 0, buf.Length, SocketFlags.None);
                    if (n <= 0)
                    {
                        break;
                    }

                    int sent = 0;
                    while (sent < n)
                    {
                        sent += c.Send(buf, sent, n - sent, SocketFlags.None);
                    }
                }
            }
            catch (Exception)
            {
                // Client gone or peer stopping.
            }

            c.Close();
        }

        public void Dispose()
        {
            _stopped = true;
            _listener.Close();
            lock (_clients)
            {
                foreach (Socket c in _clients)
                {
                    c.Close();
                }
            }
        }
    }

    /// <summary>
    /// An echo peer for many connections at once (scale, idle, timeouts): async sockets on the
    /// thread pool, so the peer adds a handful of threads, not one per client, to either side's
    /// figures. Both LibNet and the raw baseline talk to the same instance kind.
    /// </summary>
    internal sealed class AsyncEchoPeer : IDisposable
    {
        private readonly Socket _listener;
        private readonly List<Socket> _clients = new List<Socket>();
        private volatile bool _stopped;

        internal AsyncEchoPeer()
        {
            _listener = Loop.Listener(1024);
            Port = Loop.PortOf(_listener);
            _ = Task.Run(AcceptLoop);
        }

        internal int Port { get; }

        private async Task AcceptLoop()
        {
            try
            {
                while (!_stopped)
                {
                    Socket c = await _listener.AcceptAsync().ConfigureAwait(false);
                    c.NoDelay = true;
                    lock (_clients)
                    {
                        _clients.Add(c);
                    }

                    _ = Task.Run(() => Echo(c));
                }
            }
            catch (Exception)
            {
                // Listener closed.
            }
        }

        private static async Task Echo(Socket c)
        {
            byte[] buf = new byte[4096];
            try
            {
                while (true)
                {
                    int n = await c.ReceiveAsync(new ArraySegment<byte>(buf), SocketFlags.None).ConfigureAwait(false);
                    if (n <= 0)
                    {
                        break;
                    }

                    int sent = 0;
                    while (sent < n)
                    {
                        sent += await c.SendAsync(new ArraySegment<byte>(buf, sent, n - sent), SocketFlags.None).ConfigureAwait(false);
                    }
                }
            }
            catch (Exception)
            {
                // Client gone.
            }

            c.Close();
        }

        public void Dispose()
        {
            _stopped = true;
            _listener.Close();
            lock (_clients)
            {
                foreach (Socket c in _clients)
                {
                    c.Close();
                }
            }
        }
    }

    /// <summary>
    /// The bulk peer: reads and discards; after <c>total</c> bytes on a connection it answers one
    /// byte, so the sender's clock stops when the last byte has really arrived, not when it was
    /// queued.
    /// </summary>
    internal sealed class SinkPeer : IDisposable
    {
        private readonly Socket _listener;
        private readonly long _total;
        private readonly List<Socket> _clients = new List<Socket>();
        private readonly byte[] _buffer = new byte[256 * 1024];

        internal SinkPeer(long total)
        {
            _total = total;
            _listener = Loop.Listener(16);
            Port = Loop.PortOf(_listener);
            Thread t = new Thread(AcceptLoop) { IsBackground = true, Name = "sink-accept" };
            t.Start();
        }

        internal int Port { get; }

        private void AcceptLoop()
        {
            try
            {
                while (true)
                {
                    Socket c = _listener.Accept();
                    lock (_clients)
                    {
                        _clients.Add(c);
                    }

                    Thread t = new Thread(() => Drain(c)) { IsBackground = true, Name = "sink" };
                    t.Start();
                }
            }
            catch (Exception)
            {
                // Listener closed.
            }
        }

        private void Drain(Socket c)
        {
            // One buffer for every connection (its bytes are thrown away): a buffer per
            // connection would be allocated inside the measured window and counted per write.
            byte[] buf = _buffer;
            long got = 0;
            try
            {
                while (true)
                {
                    int n = c.Receive(buf, 0, buf.Length, SocketFlags.None);
                    if (n <= 0)
                    {
                        break;
                    }

                    got += n;
                    if (got == _total)
                    {
                        buf[0] = 1;
                        c.Send(buf, 0, 1, SocketFlags.None);
                        got = 0;
                    }
                }
            }
            catch (Exception)
            {
                // Client gone.
            }

            c.Close();
        }

        public void Dispose()
        {
            _listener.Close();
            lock (_clients)
            {
                foreach (Socket c in _clients)
                {
                    c.Close();
                }
            }
        }
    }

    /// <summary>
    /// A TCP peer on 127.0.0.1 that never completes a new handshake: a listener with backlog 0
    /// whose accept queue is filled by connections nobody accepts, so Linux drops further SYNs
    /// (net.ipv4.tcp_abort_on_overflow = 0). Proven on construction: it fills until a probe
    /// connect does not finish within 200 ms.
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
            Port = Loop.PortOf(_listener);
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

                if (!c.Poll(200 * 1000, SelectMode.SelectWrite))
                {
                    c.Close();
                    return;
                }

                _fillers.Add(c);
            }

            Dispose();
            throw new InvalidOperationException("every loopback connect completes here: the backlog trick does not stall a handshake");
        }

        internal int Port { get; }

        public void Dispose()
        {
            foreach (Socket c in _fillers)
            {
                c.Close();
            }

            _listener.Close();
        }
    }

    /// <summary>Plain System.Net helpers, 127.0.0.1 only.</summary>
    internal static class Loop
    {
        internal const string Ip = "127.0.0.1";

        internal static Socket Listener(int backlog, int port = 0)
        {
            Socket l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            if (port != 0)
            {
                // A fixed port (the device benchmark's): free to take again right after a run.
                l.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }

            l.Bind(new IPEndPoint(IPAddress.Loopback, port));
            l.Listen(backlog);
            return l;
        }

        internal static int PortOf(Socket s)
        {
            return ((IPEndPoint)s.LocalEndPoint).Port;
        }

        /// <summary>A blocking raw client with default options (Nagle on), as a plain user would write it.</summary>
        internal static Socket Client(int port)
        {
            Socket c = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            c.Connect(new IPEndPoint(IPAddress.Loopback, port));
            return c;
        }

        internal static void ReceiveExactly(Socket s, byte[] buf, int count)
        {
            int got = 0;
            while (got < count)
            {
                int n = s.Receive(buf, got, count - got, SocketFlags.None);
                if (n <= 0)
                {
                    throw new InvalidOperationException("peer closed after " + got + " of " + count + " bytes");
                }

                got += n;
            }
        }

        internal static void SendAll(Socket s, byte[] buf, int offset, int count)
        {
            int sent = 0;
            while (sent < count)
            {
                sent += s.Send(buf, offset + sent, count - sent, SocketFlags.None);
            }
        }
    }
}
