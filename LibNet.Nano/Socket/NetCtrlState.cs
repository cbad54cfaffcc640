namespace NanoLibNet
{
    /// <summary>Where a <see cref="NetCtrl"/> is in its life.</summary>
    public enum NetCtrlState
    {
        /// <summary>Created (and perhaps configured); not connected.</summary>
        Idle = 0,

        /// <summary>A connect (DNS, TCP, TLS handshake) is under way.</summary>
        Connecting = 1,

        /// <summary>Connected: data can flow.</summary>
        Online = 2,

        /// <summary>Listening for clients.</summary>
        Listening = 3,

        /// <summary>A graceful close was asked for; queued data is still being sent.</summary>
        Closing = 4,

        /// <summary>Closed (by <c>Discon</c>, <c>Close</c> or the peer). May connect again.</summary>
        Closed = 5,

        /// <summary>Failed; <see cref="NetCtrl.LastError"/> says why. May connect again.</summary>
        Error = 6,

        /// <summary>Released: every call throws <see cref="System.ObjectDisposedException"/>.</summary>
        Released = 7,
    }
}
