// Compile-only declarations of the nanoFramework API surface used by LibNet.Nano: the parts of
// System.Net.NetworkInformation (package nanoFramework.System.Net, assembly System.Net) that the
// library calls. Checked against the nanoframework/System.Net source
// (nanoFramework.System.Net/NetworkInformation/NetworkInterface.cs, NetworkChange.cs) and
// shared/nano/NANO-FACTS.md. Never shipped, never run: only
// eng/nano/LibNet.Nano.NanoCheck.csproj compiles it. Only members the library uses are declared;
// see System.Net.Sockets.cs for what a compile error here means. No generics, ever.

namespace System.Net.NetworkInformation
{
    /// <summary>nano: IPv4Address is a string ("0.0.0.0" until DHCP gives one); no
    /// OperationalStatus, no GetIPProperties().</summary>
    public class NetworkInterface
    {
        protected NetworkInterface(int interfaceIndex) { throw new NotImplementedException(); }

        public static NetworkInterface[] GetAllNetworkInterfaces() { throw new NotImplementedException(); }

        public string IPv4Address { get { throw new NotImplementedException(); } }
    }

    public delegate void NetworkAddressChangedEventHandler(object sender, EventArgs e);

    public delegate void NetworkAvailabilityChangedEventHandler(object sender, NetworkAvailabilityEventArgs e);

    /// <summary>nano: its constructor is internal to System.Net (private here, so the library
    /// cannot construct one either).</summary>
    public class NetworkAvailabilityEventArgs : EventArgs
    {
        private NetworkAvailabilityEventArgs() { }
    }

    public static class NetworkChange
    {
        public static event NetworkAddressChangedEventHandler NetworkAddressChanged
        {
            add { throw new NotImplementedException(); }
            remove { throw new NotImplementedException(); }
        }

        public static event NetworkAvailabilityChangedEventHandler NetworkAvailabilityChanged
        {
            add { throw new NotImplementedException(); }
            remove { throw new NotImplementedException(); }
        }
    }
}
