using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet.Tests
{
    /// <summary>
    /// A plain blocking System.Net echo peer on 127.0.0.1 (TCP: one thread per client; UDP: one
    /// thread), the way a real server would be written; independent of LibNet.
    /// </summary>
    public sealed class EchoPeer : IDisposable
    {
        private readonly Socket _socket;
        private readonly Thread _thread;
        private readonly System.Collections.Generic.List<Socket> _clients = new System.Collections.Generic.List<Socket>();
        private readonly System.Collections.Generic.List<Thread> _threads = new System.Collections.Generic.List<Thread>();
        private volatile bool _stopped;

        private EchoPeer(bool udp)
        {
            _socket = udp
                ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
                : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Port = ((IPEndPoint)_socket.LocalEndPoint).Port;
            if (udp)
            {
                _thread = new Thread(UdpLoop);
            }
            else
            {
                _socket.Listen(128); // bursts of connects (50 tasks at once) must not overflow the backlog
                _thread = new Thread(AcceptLoop);
            }

            _thread.IsBackground = true;
            _thread.Start();
        }

        public int Port { get; }

        /// <summary>Clients accepted so far.</summary>
        public int Accepted { get; private set; }

        public static EchoPeer Tcp() => new EchoPeer(false);

        public static EchoPeer Udp() => new EchoPeer(true);

        private void AcceptLoop()
        {
            try
            {
                while (!_stopped)
                {
                    Socket c = _socket.Accept();
                    lock (_clients)
                    {
                        _clients.Add(c);
                        Accepted++;
                        Thread t = new Thread(() => Echo(c)) { IsBackground = true };
                        _threads.Add(t);
                        t.Start();
                    }
                }
            }
            catch (Exception)
            {
                // Stopped.
            }
        }

        private static void Echo(Socket c)
        {
            byte[] b = new byte[65536];
            try
            {
                int n;
                while ((n = c.Receive(b)) > 0)
                {
                    int sent = 0;
                    while (sent < n)
                    {
                        sent += c.Send(b, sent, n - sent, SocketFlags.None);
                    }
                }

                c.Shutdown(SocketShutdown.Send);
            }
            catch (Exception)
            {
                // Peer went away or we were stopped.
            }
        }

        private void UdpLoop()
        {
            byte[] b = new byte[65536];
            try
            {
                while (!_stopped)
                {
                    EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                    int n = _socket.ReceiveFrom(b, ref from);
                    _socket.SendTo(b, 0, n, SocketFlags.None, from);
                }
            }
            catch (Exception)
            {
                // Stopped.
            }
        }

        public void Dispose()
        {
            _stopped = true;
            _socket.Close();
            lock (_clients)
            {
                foreach (Socket c in _clients)
                {
                    c.Close();
                }
            }

            _thread.Join(5000);
            lock (_clients)
            {
                foreach (Thread t in _threads)
                {
                    t.Join(5000);
                }
            }
        }
    }
}
