using System;
using System.Net;
using System.Net.Sockets;

namespace NanoLibNet
{
    /// <summary>
    /// What System.Net throws, in LibNet's terms: a <see cref="NetError"/> code, and a message built
    /// from the socket error code and the end point ("connection refused (10061) 127.0.0.1:47412").
    /// The message never relies on <c>SocketException.Message</c>: on the device it is the generic
    /// "Exception was thrown: System.Net.Sockets.SocketException"; the cause is only in
    /// <c>ErrorCode</c>. Both platforms use the WSA numbers (desktop .NET's <c>SocketErrorCode</c>,
    /// nano's <c>ErrorCode</c>), so one table serves both.
    /// </summary>
    internal static class SocketErrors
    {
        internal const int Interrupted = 10004;
        internal const int AccessDenied = 10013;
        internal const int WouldBlock = 10035;
        internal const int InProgress = 10036;
        internal const int MessageSize = 10040;
        internal const int AddressInUse = 10048;
        internal const int AddressNotAvailable = 10049;
        internal const int NetworkDown = 10050;
        internal const int NetworkUnreachable = 10051;
        internal const int ConnectionAborted = 10053;
        internal const int ConnectionReset = 10054;
        internal const int NoBufferSpace = 10055;
        internal const int NotConnected = 10057;
        internal const int Shutdown = 10058;
        internal const int TimedOut = 10060;
        internal const int ConnectionRefused = 10061;
        internal const int HostDown = 10064;
        internal const int HostUnreachable = 10065;
        internal const int HostNotFound = 11001;
        internal const int TryAgain = 11002;
        internal const int NoRecovery = 11003;
        internal const int NoData = 11004;

        /// <summary>The <see cref="NetError"/> code of a failure a transport threw.</summary>
        internal static int Map(Exception ex)
        {
            NetFailure own = ex as NetFailure;
            if (own != null)
            {
                return own.Code;
            }

            if (ex is ObjectDisposedException)
            {
                return NetError.Aborted;
            }

            SocketException se = Find(ex);
            return se == null ? NetError.Failed : MapCode(CodeOf(se));
        }

        /// <summary>The <see cref="NetError"/> code of a socket error code (WSA numbering).</summary>
        internal static int MapCode(int errorCode)
        {
            switch (errorCode)
            {
                case ConnectionRefused: return NetError.Refused;
                case TimedOut: return NetError.Timeout;
                case ConnectionReset:
                case ConnectionAborted: return NetError.Reset;
                case HostNotFound:
                case NoData:
                case TryAgain:
                case NoRecovery: return NetError.HostNotFound;
                case NetworkUnreachable:
                case HostUnreachable:
                case HostDown:
                case NetworkDown: return NetError.Unreachable;
                case AddressInUse: return NetError.AddressInUse;
                case NotConnected:
                case Shutdown: return NetError.NotConnected;
                case Interrupted: return NetError.Aborted;
                default: return NetError.Failed;
            }
        }

        /// <summary>"connection refused (10061) 127.0.0.1:47412": what happened, the code, and where (if known).</summary>
        internal static string Describe(int errorCode, string where)
        {
            string text = Text(errorCode) + " (" + errorCode + ")";
            return where == null ? text : text + " " + where;
        }

        /// <summary>
        /// What the error code of a failed nano TLS handshake means: nano's SslStream reports the
        /// mbedTLS result there, not a WSA number: a certificate that failed verification gives the
        /// MBEDTLS_X509_BADCERT_* flags (positive), another handshake failure mbedTLS's (negative)
        /// error code; a socket failure during the handshake gives its WSA number.
        /// </summary>
        internal static string TlsHandshakeCode(int errorCode)
        {
            if (errorCode >= Interrupted)
            {
                return Describe(errorCode, null);
            }

            if (errorCode < 0)
            {
                return "mbedTLS error " + errorCode + (errorCode == -30592 ? " (the server sent a fatal alert: e.g. no cipher suite in common)" : "");
            }

            string text = "certificate verification failed (flags " + errorCode + ":";
            text += (errorCode & 0x08) != 0 ? " not trusted" : "";
            text += (errorCode & 0x04) != 0 ? " name mismatch" : "";
            text += (errorCode & 0x01) != 0 ? " expired" : "";
            text += (errorCode & 0x02) != 0 ? " revoked" : "";
            text += (errorCode & ~0x0F) != 0 ? " other" : "";
            return text + ")";
        }

        /// <summary>A failure carrying the code and the message built from <paramref name="se"/>'s error code.</summary>
        internal static NetFailure Failure(SocketException se, string where)
        {
            int code = CodeOf(se);
            return new NetFailure(MapCode(code), Describe(code, where));
        }

        /// <summary>"127.0.0.1:80", "[::1]:80"; with the name asked for when it was not an address: "93.184.216.34:443 (example.com)".</summary>
        internal static string EndPointText(IPAddress address, int port, string host)
        {
            string ip = address.ToString();
            string text = address.AddressFamily == AddressFamily.InterNetworkV6 ? "[" + ip + "]:" + port : ip + ":" + port;
            if (host != null && host != ip && !(host.Length > 2 && host[0] == '[' && host.Substring(1, host.Length - 2) == ip))
            {
                text += " (" + host + ")";
            }

            return text;
        }

        /// <summary>True for "would block": nothing to do now, not a failure.</summary>
        internal static bool IsWouldBlock(SocketException se)
        {
            int c = CodeOf(se);
            return c == WouldBlock || c == InProgress;
        }

        /// <summary>The socket error in <paramref name="ex"/> or one of its inner exceptions (desktop .NET wraps it in an IOException under TLS).</summary>
        internal static SocketException Find(Exception ex)
        {
            for (Exception e = ex; e != null; e = e.InnerException)
            {
                SocketException se = e as SocketException;
                if (se != null)
                {
                    return se;
                }
            }

            return null;
        }

        /// <summary>The WSA error number.</summary>
        internal static int CodeOf(SocketException se)
        {
#if NANOFRAMEWORK_1_0
            return se.ErrorCode;
#else
            return (int)se.SocketErrorCode;
#endif
        }

        private static string Text(int errorCode)
        {
            switch (errorCode)
            {
                case Interrupted: return "interrupted";
                case AccessDenied: return "permission denied";
                case WouldBlock: return "would block";
                case InProgress: return "in progress";
                case MessageSize: return "message too long";
                case AddressInUse: return "address in use";
                case AddressNotAvailable: return "address not available";
                case NetworkDown: return "network down";
                case NetworkUnreachable: return "network unreachable";
                case ConnectionAborted: return "connection aborted";
                case ConnectionReset: return "connection reset";
                case NoBufferSpace: return "no buffer space";
                case NotConnected: return "not connected";
                case Shutdown: return "socket shut down";
                case TimedOut: return "timed out";
                case ConnectionRefused: return "connection refused";
                case HostDown: return "host down";
                case HostUnreachable: return "host unreachable";
                case HostNotFound: return "host not found";
                case TryAgain: return "name server did not answer";
                case NoRecovery: return "name server failed";
                case NoData: return "name has no address";
                default: return "socket error";
            }
        }
    }
}
