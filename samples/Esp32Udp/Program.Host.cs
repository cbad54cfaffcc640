using System;
using NanoLibNet;

namespace NanoLibNet.Samples.Udp
{
    /// <summary>
    /// Host entry point (Esp32Udp.csproj): the same UDP task against a loopback UDP echo peer
    /// (or `dotnet run -- HOST PORT` for a server of your own).
    /// </summary>
    public static class Program
    {
        /// <summary>Sends five datagrams and reports.</summary>
        public static int Main(string[] args)
        {
            HostEchoPeer peer = args.Length >= 2 ? null : new HostEchoPeer(true);
            string host = peer == null ? args[0] : "127.0.0.1";
            int port = peer == null ? int.Parse(args[1]) : peer.Port;
            try
            {
                UdpSample udp = new UdpSample(NetAdapter.Default, host, port);
                udp.Rounds = 5;
                udp.SendIntervalMs = 100;
                udp.Start();
                bool ended = udp.WaitDone(60000);
                Console.WriteLine("sent " + udp.Sent + ", replies " + udp.Replies + ", lost " + udp.Lost);
                return ended && udp.Replies == 5 ? 0 : 1;
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
