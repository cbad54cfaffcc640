namespace NanoLibNet
{
    /// <summary>
    /// Implemented by senders that coalesce their messages (a <see cref="NetCtrl"/> keeps one
    /// pending bit per event kind): the mailbox tells them when their message left it, so the
    /// next one of that kind may be queued.
    /// </summary>
    internal interface IMessageSource
    {
        /// <summary>A message of this source with this id left the mailbox (taken or purged).</summary>
        void OnMessageTaken(int id);
    }
}
