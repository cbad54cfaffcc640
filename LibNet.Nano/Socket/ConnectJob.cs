namespace NanoLibNet
{
    /// <summary>
    /// One natively blocking operation and the thread that runs it: the connect of a netc on
    /// the transport made for that connect (its epoch with it, so a connect that was aborted
    /// and replaced can only find itself stale, never act on the next one), or the TLS
    /// handshake of one client a listener accepted.
    /// </summary>
    internal sealed class ConnectJob
    {
        private readonly ConnectWorkers _workers;
        private readonly NetCtrl _netc;
        private readonly Transport _transport;
        private readonly int _epoch;
        private readonly bool _handshake;

        internal ConnectJob(ConnectWorkers workers, NetCtrl netc, Transport transport, int epoch, bool handshake)
        {
            _workers = workers;
            _netc = netc;
            _transport = transport;
            _epoch = epoch;
            _handshake = handshake;
        }

        /// <summary>The worker thread's body.</summary>
        internal void Run()
        {
            try
            {
                if (_handshake)
                {
                    _netc.RunAcceptHandshake(_transport);
                }
                else
                {
                    _netc.RunConnect(_transport, _epoch);
                }
            }
            finally
            {
                _workers.Ended();
            }
        }
    }
}
