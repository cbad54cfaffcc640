namespace NanoLibNet
{
    /// <summary>
    /// The small message from the caller's side (<see cref="NetCtrl"/>, any task) to the core's
    /// side (<see cref="SocketEngine"/>, the engine thread): request bits OR-ed into the netc,
    /// then a wake-up of the engine. Bits, not a queue, so a request costs no allocation and
    /// repeated requests merge.
    /// </summary>
    internal static class NetRequest
    {
        /// <summary>New data in the send ring, or the receive ring made room: look at the interest again.</summary>
        internal const int Kick = 1;

        /// <summary>Graceful close: send what is queued, then close.</summary>
        internal const int Discon = 2;

        /// <summary>The link went down: fail the connection.</summary>
        internal const int LinkDown = 4;
    }
}
