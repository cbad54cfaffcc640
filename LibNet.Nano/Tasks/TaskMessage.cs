namespace NanoLibNet
{
    /// <summary>
    /// One message in a task's mailbox (LuatOS <c>sysplus</c> message). Socket events use
    /// <see cref="Id"/> = a <see cref="SocketEvent"/> constant, <see cref="Param"/> = status
    /// (0 = ok) and <see cref="Source"/> = the <see cref="NetCtrl"/> that raised it.
    /// </summary>
    public struct TaskMessage
    {
        /// <summary>The message id (for socket events, a <see cref="SocketEvent"/> constant).</summary>
        public int Id;

        /// <summary>The parameter; for socket events the status: 0 = ok, nonzero = a <see cref="NetError"/> code.</summary>
        public int Param;

        /// <summary>Who sent it: the <see cref="NetCtrl"/> for socket events, whatever the sender chose otherwise (may be null).</summary>
        public object Source;

        /// <summary>Optional payload chosen by the sender (null for socket events).</summary>
        public object Data;

        /// <summary>Creates a message.</summary>
        /// <param name="id">The message id.</param>
        /// <param name="param">The parameter (status).</param>
        /// <param name="source">The sender, or null.</param>
        /// <param name="data">The payload, or null.</param>
        public TaskMessage(int id, int param, object source, object data)
        {
            Id = id;
            Param = param;
            Source = source;
            Data = data;
        }
    }
}
