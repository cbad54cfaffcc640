using System;
using System.Collections;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// A TCP echo server on loopback, nano's blocking sockets: an accept thread and one thread per
    /// client, each echoing until its client closes. <see cref="Stop"/> closes the listener and
    /// every client and waits for the threads.
    /// </summary>
    public sealed class EchoPeer
    {
        private readonly Socket _listener;
        private readonly Thread _accept;
        private readonly ArrayList _clients = new ArrayList();
        private readonly ArrayList _threads = new ArrayList();
        private int _accepted;

        /// <summary>Starts listening on an ephemeral loopback port.</summary>
        public EchoPeer()
        {
            _listener = Peers.Listener(8);
            Port = Peers.PortOf(_listener);
            _accept = Peers.Run(AcceptLoop);
        }

        /// <summary>The port it listens on.</summary>
        public int Port { get; private set; }

        /// <summary>Clients accepted so far.</summary>
        public int Accepted { get { lock (_clients) { return _accepted; } } }

        private void AcceptLoop()
        {
            while (true)
            {
                Socket c;
                try
                {
                    c = _listener.Accept();
                }
                catch (Exception)
                {
                    return; // Stop closed the listener
                }

                lock (_clients)
                {
                    _accepted++;
                    _clients.Add(c);
                    Thread t = new Thread(new Echo(c).Run);
                    _threads.Add(t);
                    t.Start();
                }
            }
        }

        /// <summary>Closes everything and waits (bounded) for the threads; false if one did not end.</summary>
        public bool Stop()
        {
            Peers.CloseQuietly(_listener);
            bool ok = _accept.Join(Env.Bound);
            lock (_clients)
            {
                for (int i = 0; i < _clients.Count; i++)
                {
                    Peers.CloseQuietly((Socket)_clients[i]);
                }
            }

            for (int i = 0; i < _threads.Count; i++)
            {
                ok &= ((Thread)_threads[i]).Join(Env.Bound);
            }

            return ok;
        }

        private sealed class Echo
        {
            private readonly Socket _s;

            internal Echo(Socket s)
            {
                _s = s;
            }

            internal void Run()
            {
                byte[] b = new byte[2048];
                try
                {
                    while (true)
                    {
                        int n = _s.Receive(b, 0, b.Length, SocketFlags.None);
                        if (n <= 0)
                        {
                            break;
                        }

                        int sent = 0;
                        while (sent < n)
                        {
                            sent += _s.Send(b, sent, n - sent, SocketFlags.None);
                        }
                    }
                }
                catch (Exception)
                {
                    // The client reset or Stop closed the socket.
                }

                Peers.CloseQuietly(_s);
            }
        }
    }
}
