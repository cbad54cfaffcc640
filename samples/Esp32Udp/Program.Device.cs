using System.Threading;
using NanoLibNet;

namespace NanoLibNet.Samples.Udp
{
    /// <summary>
    /// ESP32 entry point (Esp32Udp.nfproj): join Wi-Fi, then send a datagram a second to a UDP
    /// echo server on your LAN (for example `ncat -u -l 7 -k -e /bin/cat`) and count the replies.
    /// </summary>
    public static class Program
    {
        // Edit these three before deploying. The host must be an IP address.
        private const string Ssid = "your-wifi-ssid";
        private const string Password = "your-wifi-password";
        private const string ServerHost = "192.168.1.10";
        private const int ServerPort = 7;

        /// <summary>Joins Wi-Fi and starts the UDP task, which runs forever.</summary>
        public static void Main()
        {
            WifiSetup.Connect(Ssid, Password, 60000);
            UdpSample udp = new UdpSample(NetAdapter.Default, ServerHost, ServerPort);
            udp.Start();
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
