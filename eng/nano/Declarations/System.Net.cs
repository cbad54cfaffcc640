// Compile-only declarations of the nanoFramework API surface used by LibNet.Nano: the parts of
// System.Net (package nanoFramework.System.Net, assembly System.Net) that the library calls.
// Checked against the nanoframework/System.Net source (nanoFramework.System.Net/EndPoint.cs,
// IPAddress.cs, IPEndPoint.cs, DNS.cs, IPHostEntry.cs) and shared/nano/NANO-FACTS.md.
// Never shipped, never run: only eng/nano/LibNet.Nano.NanoCheck.csproj compiles it. Only members
// the library uses are declared (plus each class's real public constructors); see
// System.Net.Sockets.cs for what a compile error here means. No generics, ever.

namespace System.Net
{
    /// <summary>nano: abstract, with abstract Serialize()/Create(SocketAddress) (not declared:
    /// the library does not derive from it).</summary>
    public abstract class EndPoint
    {
    }

    /// <summary>nano: Any, Loopback, Broadcast, None; NO IPv6Any / IPv6Loopback.</summary>
    public class IPAddress
    {
        public static readonly IPAddress Any = null;
        public static readonly IPAddress Loopback = null;

        public IPAddress(long newAddress) { throw new NotImplementedException(); }

        public IPAddress(byte[] address) { throw new NotImplementedException(); }

        public Sockets.AddressFamily AddressFamily { get { throw new NotImplementedException(); } }

        public byte[] GetAddressBytes() { throw new NotImplementedException(); }

        public static IPAddress Parse(string ipString) { throw new NotImplementedException(); }
    }

    /// <summary>nano: Address and Port are get-only.</summary>
    public class IPEndPoint : EndPoint
    {
        public IPEndPoint(long address, int port) { throw new NotImplementedException(); }

        public IPEndPoint(IPAddress address, int port) { throw new NotImplementedException(); }

        public IPAddress Address { get { throw new NotImplementedException(); } }

        public int Port { get { throw new NotImplementedException(); } }
    }

    /// <summary>nano: GetHostEntry only (native, fixed 30 s timeout, no async form).</summary>
    public static class Dns
    {
        public static IPHostEntry GetHostEntry(string hostNameOrAddress) { throw new NotImplementedException(); }
    }

    public class IPHostEntry
    {
        public IPAddress[] AddressList { get { throw new NotImplementedException(); } }
    }
}
