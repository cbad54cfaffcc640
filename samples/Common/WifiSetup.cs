using System;
using System.Device.Wifi;
using System.Threading;
using nanoFramework.Networking;

namespace NanoLibNet.Samples
{
    /// <summary>
    /// Device only (linked by the samples' .nfproj files, never by the host .csproj files): joins
    /// a Wi-Fi network with nanoFramework's WifiNetworkHelper (package nanoFramework.System.Device.Wifi).
    /// The samples do not depend on it succeeding: their tasks call LibNet.WaitLink, which waits
    /// for the IP address whenever it comes, and again after the link drops.
    /// </summary>
    internal static class WifiSetup
    {
        /// <summary>
        /// Starts joining <paramref name="ssid"/> with DHCP and automatic reconnection, waiting at
        /// most <paramref name="timeoutMs"/> for an address. Returns whether there is one.
        /// </summary>
        public static bool Connect(string ssid, string password, int timeoutMs)
        {
            CancellationTokenSource cs = new CancellationTokenSource(timeoutMs);
            bool ok = WifiNetworkHelper.ConnectDhcp(ssid, password, WifiReconnectionKind.Automatic, false, 0, cs.Token);
            if (ok)
            {
                Console.WriteLine("[wifi] connected to " + ssid);
            }
            else
            {
                Console.WriteLine("[wifi] not connected yet: " + WifiNetworkHelper.Status.ToString()
                    + (WifiNetworkHelper.HelperException == null ? string.Empty : " (" + WifiNetworkHelper.HelperException.Message + ")"));
            }

            return ok;
        }
    }
}
