namespace NanoLibNet
{
    /// <summary>
    /// Socket events, posted as <see cref="TaskMessage.Id"/> to the task that owns a
    /// <see cref="NetCtrl"/> (LuatOS <c>socket.LINK</c>, <c>ON_LINE</c>, <c>TX_OK</c>,
    /// <c>EVENT</c>, <c>CLOSED</c>). <see cref="TaskMessage.Param"/> is the status: 0 = ok,
    /// otherwise a <see cref="NetError"/> code. The values are chosen to stay clear of small
    /// application message ids.
    /// </summary>
    public static class SocketEvent
    {
        /// <summary>The adapter's link came up (0) or went down (nonzero).</summary>
        public const int Link = 0x4C4E0001;

        /// <summary>Connect finished (TCP connected, or TLS handshake done), or a listening socket got a client.</summary>
        public const int OnLine = 0x4C4E0002;

        /// <summary>Everything queued by <see cref="NetCtrl.Tx(byte[], int, int, out bool, out bool)"/> was handed to the network.</summary>
        public const int TxOk = 0x4C4E0003;

        /// <summary>New data can be read, or the state changed (armed by <see cref="NetCtrl.Wait(out bool)"/>).</summary>
        public const int Event = 0x4C4E0004;

        /// <summary>The connection is closed (by <see cref="NetCtrl.Discon(out bool)"/> or by the peer).</summary>
        public const int Closed = 0x4C4E0005;

        /// <summary>The name of an event id, for logs ("Link", "OnLine", ...; "?" for others).</summary>
        /// <param name="id">A message id.</param>
        /// <returns>The event's name.</returns>
        public static string Name(int id)
        {
            switch (id)
            {
                case Link: return "Link";
                case OnLine: return "OnLine";
                case TxOk: return "TxOk";
                case Event: return "Event";
                case Closed: return "Closed";
                default: return "?";
            }
        }
    }
}
