using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;

namespace NanoLibNet.Samples
{
    /// <summary>
    /// Host only (linked by the samples' .csproj files, never by the .nfproj files): plain
    /// System.Net echo peers on 127.0.0.1 that stand in for the LAN server a device would talk to,
    /// so `dotnet run` of a sample works on a machine with no network.
    /// </summary>
    internal sealed class HostEchoPeer : IDisposable
    {
        private readonly Socket _socket;
        private readonly Thread _thread;
        private readonly bool _udp;
        private int _stopped;

        /// <summary>A TCP (thread per client) or UDP echo peer on 127.0.0.1, any free port.</summary>
        public HostEchoPeer(bool udp)
        {
            _udp = udp;
            _socket = udp
                ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)
                : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Port = ((IPEndPoint)_socket.LocalEndPoint).Port;
            if (!udp)
            {
                _socket.Listen(8);
            }

            _thread = new Thread(udp ? UdpLoop : AcceptLoop);
            _thread.IsBackground = true;
            _thread.Start();
        }

        /// <summary>The port it listens on.</summary>
        public int Port { get; private set; }

        private void AcceptLoop()
        {
            try
            {
                while (Volatile.Read(ref _stopped) == 0)
                {
                    Socket c = _socket.Accept();
                    Thread t = new Thread(() => Echo(c));
                    t.IsBackground = true;
                    t.Start();
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
        }

        private static void Echo(Socket c)
        {
            byte[] b = new byte[4096];
            try
            {
                int n;
                while ((n = c.Receive(b)) > 0)
                {
                    c.Send(b, 0, n, SocketFlags.None);
                }

                c.Shutdown(SocketShutdown.Send);
            }
            catch (SocketException)
            {
                // The client went away.
            }
            finally
            {
                c.Close();
            }
        }

        private void UdpLoop()
        {
            byte[] b = new byte[2048];
            try
            {
                while (Volatile.Read(ref _stopped) == 0)
                {
                    EndPoint from = new IPEndPoint(IPAddress.Any, 0);
                    int n = _socket.ReceiveFrom(b, ref from);
                    _socket.SendTo(b, 0, n, SocketFlags.None, from);
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
        }

        /// <summary>Stops it.</summary>
        public void Dispose()
        {
            Interlocked.Exchange(ref _stopped, 1);
            _socket.Close();
            _thread.Join(5000);
        }
    }
}
