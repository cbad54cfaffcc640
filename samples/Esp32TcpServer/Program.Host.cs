using System;
using System.Net;
using System.Net.Sockets;
using System.Text;
using NanoLibNet;

namespace NanoLibNet.Samples.TcpServer
{
    /// <summary>
    /// Host entry point (Esp32TcpServer.csproj): the same server on 127.0.0.1, with three plain
    /// System.Net clients connected at once, each echoed by its own task.
    /// </summary>
    public static class Program
    {
        /// <summary>Serves three clients on 127.0.0.1 and reports.</summary>
        public static int Main(string[] args)
        {
            return Run(new SocketAdapter { BindAddress = "127.0.0.1" });
        }

        /// <summary>Serves three clients on <paramref name="adapter"/> (a loopback one); 0 when each got its own line back, byte for byte.</summary>
        public static int Run(NetAdapter adapter)
        {
            int port = FreePort();
            TcpServerSample server = new TcpServerSample(adapter, port);
            server.MaxClients = 3;
            server.Start();
            if (!server.Listening.WaitOne(10000))
            {
                Console.WriteLine("server did not start");
                return 1;
            }

            int ok = 0;
            Socket[] clients = new Socket[3];
            for (int i = 0; i < clients.Length; i++)
            {
                clients[i] = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                clients[i].ReceiveTimeout = 10000;
                clients[i].Connect(new IPEndPoint(IPAddress.Loopback, port));
            }

            for (int i = 0; i < clients.Length; i++)
            {
                byte[] line = Encoding.ASCII.GetBytes("hello from client " + i + "\n");
                clients[i].Send(line);
                byte[] back = new byte[line.Length];
                int got = 0;
                while (got < back.Length)
                {
                    int n = clients[i].Receive(back, got, back.Length - got, SocketFlags.None);
                    if (n == 0)
                    {
                        break;
                    }

                    got += n;
                }

                Console.WriteLine("client " + i + " got back: " + Encoding.ASCII.GetString(back, 0, got).TrimEnd());
                if (got == line.Length && SampleText.Same(line, back, got))
                {
                    ok++;
                }
            }

            foreach (Socket c in clients)
            {
                c.Close();
            }

            bool ended = server.WaitDone(30000);
            Console.WriteLine("served " + server.Served + ", bytes echoed " + server.BytesEchoed);
            return ended && ok == 3 && server.Served == 3 ? 0 : 1;
        }

        private static int FreePort()
        {
            using (Socket s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
            {
                s.Bind(new IPEndPoint(IPAddress.Loopback, 0));
                return ((IPEndPoint)s.LocalEndPoint).Port;
            }
        }
    }
}
