using System.Threading;
using NanoLibNet;

namespace NanoLibNet.Samples.TcpServer
{
    /// <summary>
    /// ESP32 entry point (Esp32TcpServer.nfproj): join Wi-Fi, then serve TCP echo on port 7.
    /// Try it from a PC on the same network: `ncat DEVICE-IP 7`, type a line, see it come back.
    /// </summary>
    public static class Program
    {
        // Edit these two before deploying.
        private const string Ssid = "your-wifi-ssid";
        private const string Password = "your-wifi-password";
        private const int Port = 7;

        /// <summary>Joins Wi-Fi and starts the listener task, which runs forever.</summary>
        public static void Main()
        {
            WifiSetup.Connect(Ssid, Password, 60000);
            TcpServerSample server = new TcpServerSample(NetAdapter.Default, Port);
            server.Start();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
