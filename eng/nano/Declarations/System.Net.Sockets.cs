// Compile-only declarations of the nanoFramework API surface used by LibNet.Nano: the parts of
// System.Net.Sockets (package nanoFramework.System.Net, assembly System.Net) that the library
// calls. Checked against the nanoframework/System.Net source (nanoFramework.System.Net/Sockets/
// Socket.cs, SocketErrors.cs, SocketOptionName.cs, AddressFamily.cs, SocketType.cs,
// ProtocolType.cs, SelectMode.cs, SocketFlags.cs, SocketOptionLevel.cs, SocketException.cs) and
// shared/nano/NANO-FACTS.md. Never shipped, never run: only eng/nano/LibNet.Nano.NanoCheck.csproj
// compiles it, so that the library's Net/ folder builds with NANOFRAMEWORK_1_0 against nano's
// mscorlib 1.17.11. Only members the library uses are declared (plus each class's real public
// constructor, so no constructor nano lacks appears); enum values are nano's. A compile error
// here means: the library uses something not declared yet; check the nano source, then either
// add it (if nano has it) or change the library (if nano lacks it). No generics, ever.

namespace System.Net.Sockets
{
    /// <summary>nano: <c>public class Socket : IDisposable</c> (Dispose is an explicit
    /// interface implementation there too: call Close()).</summary>
    public class Socket : IDisposable
    {
        public Socket(AddressFamily addressFamily, SocketType socketType, ProtocolType protocolType)
        {
            throw new NotImplementedException();
        }

        public int Available { get { throw new NotImplementedException(); } }

        /// <summary>nano: ms; 0 or -1 = infinite; SslStream.Read/Write use them as their timeouts.</summary>
        public int ReceiveTimeout { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }

        public int SendTimeout { get { throw new NotImplementedException(); } set { throw new NotImplementedException(); } }

        public EndPoint LocalEndPoint { get { throw new NotImplementedException(); } }

        public EndPoint RemoteEndPoint { get { throw new NotImplementedException(); } }

        public void Bind(EndPoint localEP) { throw new NotImplementedException(); }

        public void Connect(EndPoint remoteEP) { throw new NotImplementedException(); }

        public void Close() { throw new NotImplementedException(); }

        public void Listen(int backlog) { throw new NotImplementedException(); }

        public Socket Accept() { throw new NotImplementedException(); }

        public int Send(byte[] buffer, int offset, int size, SocketFlags socketFlags)
        {
            throw new NotImplementedException();
        }

        public int SendTo(byte[] buffer, int offset, int size, SocketFlags socketFlags, EndPoint remoteEP)
        {
            throw new NotImplementedException();
        }

        public int Receive(byte[] buffer, int offset, int size, SocketFlags socketFlags)
        {
            throw new NotImplementedException();
        }

        public int ReceiveFrom(byte[] buffer, int offset, int size, SocketFlags socketFlags, ref EndPoint remoteEP)
        {
            throw new NotImplementedException();
        }

        public void SetSocketOption(SocketOptionLevel optionLevel, SocketOptionName optionName, bool optionValue)
        {
            throw new NotImplementedException();
        }

        public bool Poll(int microSeconds, SelectMode mode) { throw new NotImplementedException(); }

        void IDisposable.Dispose() { throw new NotImplementedException(); }
    }

    /// <summary>nano: <c>public class SocketException : Exception</c>; no SocketErrorCode
    /// property: cast <see cref="ErrorCode"/> to <see cref="SocketError"/>.</summary>
    public class SocketException : Exception
    {
        public SocketException(SocketError errorCode) { throw new NotImplementedException(); }

        public int ErrorCode { get { throw new NotImplementedException(); } }
    }

    /// <summary>nano's values (WSA codes). nano has NO OperationAborted and NO IOPending.</summary>
    public enum SocketError : int
    {
        Success = 0,
        Interrupted = 10000 + 4,
        WouldBlock = 10000 + 35,
        InProgress = 10000 + 36,
        AddressAlreadyInUse = 10000 + 48,
        NetworkDown = 10000 + 50,
        NetworkUnreachable = 10000 + 51,
        ConnectionAborted = 10000 + 53,
        ConnectionReset = 10000 + 54,
        NotConnected = 10000 + 57,
        Shutdown = 10000 + 58,
        TimedOut = 10000 + 60,
        ConnectionRefused = 10000 + 61,
        HostUnreachable = 10000 + 65,
        HostNotFound = 10000 + 1001,
        TryAgain = 10000 + 1002,
        NoData = 10000 + 1004,
    }

    public enum AddressFamily
    {
        InterNetwork = 2,
        InterNetworkV6 = 23,
    }

    public enum SocketType
    {
        Stream = 1,
        Dgram = 2,
    }

    public enum ProtocolType
    {
        Tcp = 6,
        Udp = 17,
    }

    public enum SelectMode
    {
        SelectRead = 0,
        SelectWrite = 1,
        SelectError = 2,
    }

    [Flags]
    public enum SocketFlags
    {
        None = 0x0000,
    }

    public enum SocketOptionLevel
    {
        Tcp = 6,
        Socket = 0xffff,
    }

    /// <summary>nano has no TcpKeepAliveTime/Interval/RetryCount.</summary>
    public enum SocketOptionName
    {
        NoDelay = 0x0001,
        ReuseAddress = 0x0004,
        KeepAlive = 0x0008,
    }
}
