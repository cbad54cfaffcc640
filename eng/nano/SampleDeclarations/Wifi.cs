// Compile-only declarations of the nanoFramework API the samples' device-only file
// samples/Common/WifiSetup.cs calls, which no package restorable here provides:
// nanoFramework.Networking.WifiNetworkHelper and System.Device.Wifi.WifiReconnectionKind (package
// nanoFramework.System.Device.Wifi), NetworkHelperStatus (nanoFramework.System.Net), and
// CancellationTokenSource/CancellationToken (nanoFramework.System.Threading; not in mscorlib
// 1.17.11). Signatures as in nanoframework/System.Device.Wifi (WifiNetworkHelper.ConnectDhcp).
// Never shipped, never run: only eng/nano/Samples.NanoCheck.csproj compiles it. No generics.

namespace System.Threading
{
    public struct CancellationToken
    {
        public bool IsCancellationRequested { get { throw new NotImplementedException(); } }
    }

    public class CancellationTokenSource
    {
        public CancellationTokenSource(int millisecondsDelay) { throw new NotImplementedException(); }

        public CancellationToken Token { get { throw new NotImplementedException(); } }
    }
}

namespace System.Device.Wifi
{
    public enum WifiReconnectionKind
    {
        Automatic = 0,
        Manual = 1,
    }
}

namespace nanoFramework.Networking
{
    public enum NetworkHelperStatus
    {
        None,
        Started,
        NetworkIsReady,
        FailedNoNetworkInterface,
        TokenExpiredWaitingIPAddress,
        TokenExpiredWaitingDateTime,
        ErrorConnetingToWiFiWhileScanning,
        ExceptionOccurred,
    }

    public static class WifiNetworkHelper
    {
        public static NetworkHelperStatus Status { get { throw new System.NotImplementedException(); } }

        public static System.Exception HelperException { get { throw new System.NotImplementedException(); } }

        public static bool ConnectDhcp(
            string ssid,
            string password,
            System.Device.Wifi.WifiReconnectionKind reconnectionKind,
            bool requiresDateTime,
            int wifiAdapterId,
            System.Threading.CancellationToken token)
        {
            throw new System.NotImplementedException();
        }
    }
}
