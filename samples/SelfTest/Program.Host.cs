using System;
using NanoLibNet;

namespace NanoLibNet.Samples.SelfTestApp
{
    /// <summary>
    /// Host entry point (SelfTest.csproj): the self-test against loopback TCP and UDP echo peers
    /// (or `dotnet run -- HOST TCPPORT [UDPPORT]` for a peer of your own). Exit code 0 = all PASS.
    /// </summary>
    public static class Program
    {
        /// <summary>Runs the scenarios once and reports.</summary>
        public static int Main(string[] args)
        {
            HostEchoPeer tcp = args.Length >= 2 ? null : new HostEchoPeer(false);
            HostEchoPeer udp = args.Length >= 2 ? null : new HostEchoPeer(true);
            try
            {
                string host = tcp == null ? args[0] : "127.0.0.1";
                int tcpPort = tcp == null ? int.Parse(args[1]) : tcp.Port;
                int udpPort = tcp == null ? (args.Length >= 3 ? int.Parse(args[2]) : 0) : udp.Port;
                SelfTest test = new SelfTest(NetAdapter.Default, host, tcpPort, udpPort);
                return test.Run(120000) ? 0 : 1;
            }
            finally
            {
                if (tcp != null)
                {
                    tcp.Dispose();
                    udp.Dispose();
                }
            }
        }
    }
}
