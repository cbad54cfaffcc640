using System;
using System.Net.Sockets;

namespace NanoLibNet
{
    /// <summary>Maps what System.Net throws to <see cref="NetError"/> codes.</summary>
    internal static class SocketErrors
    {
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

            SocketException se = ex as SocketException;
            if (se == null)
            {
                return NetError.Failed;
            }

            switch (Code(se))
            {
                case SocketError.ConnectionRefused: return NetError.Refused;
                case SocketError.TimedOut: return NetError.Timeout;
                case SocketError.ConnectionReset:
                case SocketError.ConnectionAborted: return NetError.Reset;
                case SocketError.HostNotFound:
                case SocketError.NoData:
                case SocketError.TryAgain: return NetError.HostNotFound;
                case SocketError.NetworkUnreachable:
                case SocketError.HostUnreachable:
                case SocketError.NetworkDown: return NetError.Unreachable;
                case SocketError.AddressAlreadyInUse: return NetError.AddressInUse;
                case SocketError.NotConnected:
                case SocketError.Shutdown: return NetError.NotConnected;
                case SocketError.Interrupted: return NetError.Aborted;
                default: return NetError.Failed;
            }
        }

        /// <summary>True for "would block": nothing to do now, not a failure.</summary>
        internal static bool IsWouldBlock(SocketException se)
        {
            SocketError c = Code(se);
            return c == SocketError.WouldBlock || c == SocketError.InProgress;
        }

        private static SocketError Code(SocketException se)
        {
#if NANOFRAMEWORK_1_0
            return (SocketError)se.ErrorCode;
#else
            return se.SocketErrorCode;
#endif
        }
    }
}
