using System;

namespace NanoLibNet
{
    // Nagle's algorithm, off by default. (A // comment: the public summary of NetCtrl is the one
    // in NetCtrl.cs.)
    public sealed partial class NetCtrl
    {
        private bool _nagle;

        /// <summary>
        /// True (default): a TCP netc sends each <c>Tx</c> at once (TCP_NODELAY, Nagle's algorithm
        /// off), as request/response protocols need: with Nagle on, a small send that follows
        /// another before its acknowledgement waits for it, and with the peer's delayed
        /// acknowledgement that costs tens to hundreds of milliseconds (seen with MQTT QoS 1:
        /// docs/mqtt.md). False lets TCP gather small sends into fewer segments. A listener hands
        /// its setting to the clients it accepts. Set before <c>Connect</c> or <c>Listen</c>; kept
        /// across <c>Config</c> and reconnects. No effect on UDP.
        /// </summary>
        /// <exception cref="InvalidOperationException">Set while the netc is connecting, connected or listening.</exception>
        /// <exception cref="ObjectDisposedException">Set after the netc was released.</exception>
        public bool NoDelay
        {
            get
            {
                return !_nagle;
            }

            set
            {
                lock (Sync)
                {
                    ThrowIfReleased();
                    if (IsActive(_state))
                    {
                        throw new InvalidOperationException("NoDelay while " + StateName(_state) + ": close the netc first");
                    }

                    _nagle = !value;
                }
            }
        }
    }
}
