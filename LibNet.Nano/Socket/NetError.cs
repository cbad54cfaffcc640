namespace NanoLibNet
{
    /// <summary>
    /// Status codes carried by socket events (<see cref="TaskMessage.Param"/>) and kept in
    /// <see cref="NetCtrl.LastError"/>. 0 means success; <see cref="NetCtrl.LastErrorMessage"/>
    /// holds the platform's words for the last failure.
    /// </summary>
    public static class NetError
    {
        /// <summary>No error.</summary>
        public const int None = 0;

        /// <summary>A failure the other codes do not describe (see <see cref="NetCtrl.LastErrorMessage"/>).</summary>
        public const int Failed = 1;

        /// <summary>The peer refused the connection (nothing listens on that port).</summary>
        public const int Refused = 2;

        /// <summary>The call's deadline passed before the operation finished; the operation was aborted.</summary>
        public const int Timeout = 3;

        /// <summary>The peer reset the connection.</summary>
        public const int Reset = 4;

        /// <summary>The host name did not resolve.</summary>
        public const int HostNotFound = 5;

        /// <summary>The network link went down.</summary>
        public const int LinkDown = 6;

        /// <summary>The TLS handshake failed (certificate verification included).</summary>
        public const int TlsFailed = 7;

        /// <summary>The socket was closed locally while the operation was under way.</summary>
        public const int Aborted = 8;

        /// <summary>The host or network cannot be reached.</summary>
        public const int Unreachable = 9;

        /// <summary>The operation needs a connected socket.</summary>
        public const int NotConnected = 10;

        /// <summary>Too many operations at once (the connect queue is full).</summary>
        public const int Busy = 11;

        /// <summary>The local address or port is in use.</summary>
        public const int AddressInUse = 12;

        /// <summary>A short name for a code ("Refused", "Timeout", ...).</summary>
        /// <param name="code">A status code.</param>
        /// <returns>Its name.</returns>
        public static string Name(int code)
        {
            switch (code)
            {
                case None: return "None";
                case Failed: return "Failed";
                case Refused: return "Refused";
                case Timeout: return "Timeout";
                case Reset: return "Reset";
                case HostNotFound: return "HostNotFound";
                case LinkDown: return "LinkDown";
                case TlsFailed: return "TlsFailed";
                case Aborted: return "Aborted";
                case Unreachable: return "Unreachable";
                case NotConnected: return "NotConnected";
                case Busy: return "Busy";
                case AddressInUse: return "AddressInUse";
                default: return "Error" + code;
            }
        }
    }
}
