using System.Threading;
using NanoLibNet;

namespace NanoLibNet.Samples.SelfTestApp
{
    /// <summary>
    /// ESP32 entry point (SelfTest.nfproj): join Wi-Fi, run the conformance scenarios against an
    /// echo peer on a PC of the same network, print PASS/FAIL for each. Start the peer on the PC
    /// first (TCP and UDP echo on port 7, e.g. `ncat -l 7 -k -e /bin/cat` and
    /// `ncat -u -l 7 -k -e /bin/cat`), set its address below, deploy, watch the output.
    /// </summary>
    public static class Program
    {
        // Edit these before deploying.
        private const string Ssid = "your-wifi-ssid";
        private const string Password = "your-wifi-password";
        private const string EchoHost = "192.168.1.10";
        private const int EchoTcpPort = 7;
        private const int EchoUdpPort = 7; // 0 = skip the UDP scenario

        /// <summary>Joins Wi-Fi, runs the self-test once, then idles.</summary>
        public static void Main()
        {
            WifiSetup.Connect(Ssid, Password, 60000);
            SelfTest test = new SelfTest(NetAdapter.Default, EchoHost, EchoTcpPort, EchoUdpPort);
            test.Run(180000);
            Thread.Sleep(Timeout.Infinite);
        }
    }
}
