using System;
using NanoLibNet;

namespace NanoLibNet.Samples.TcpClient
{
    /// <summary>
    /// Host entry point (Esp32TcpClient.csproj): the same client task, on desktop .NET's sockets,
    /// against a loopback echo peer (or `dotnet run -- HOST PORT` for a server of your own).
    /// </summary>
    public static class Program
    {
        /// <summary>Runs two short sessions (the second one is a reconnect) and reports.</summary>
        public static int Main(string[] args)
        {
            HostEchoPeer peer = args.Length >= 2 ? null : new HostEchoPeer(false);
            string host = peer == null ? args[0] : "127.0.0.1";
            int port = peer == null ? int.Parse(args[1]) : peer.Port;
            try
            {
                TcpClientSample client = new TcpClientSample(NetAdapter.Default, host, port);
                client.Sessions = 2;
                client.EchoesPerSession = 3;
                client.SendIntervalMs = 100;
                client.ReconnectDelayMs = 100;
                client.Start();
                bool ended = client.WaitDone(60000);
                Console.WriteLine("connects " + client.Connects + ", echoes " + client.Echoes + ", mismatches " + client.Mismatches);
                return ended && client.Echoes == 6 && client.Mismatches == 0 ? 0 : 1;
            }
            finally
            {
                if (peer != null)
                {
                    peer.Dispose();
                }
            }
        }
    }
}
