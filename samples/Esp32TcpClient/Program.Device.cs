using System.Threading;
using NanoLibNet;

namespace NanoLibNet.Samples.TcpClient
{
    /// <summary>
    /// ESP32 entry point (Esp32TcpClient.nfproj): join Wi-Fi, then run the client task against an
    /// echo server on your LAN (for example `ncat -l 7 -k -e /bin/cat` or any TCP echo service).
    /// </summary>
    public static class Program
    {
        // Edit these three before deploying.
        private const string Ssid = "your-wifi-ssid";
        private const string Password = "your-wifi-password";
        private const string ServerHost = "192.168.1.10";
        private const int ServerPort = 7;

        /// <summary>Joins Wi-Fi and starts the client task, which runs forever.</summary>
        public static void Main()
        {
            WifiSetup.Connect(Ssid, Password, 60000);
            TcpClientSample client = new TcpClientSample(NetAdapter.Default, ServerHost, ServerPort);
            client.Start();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
