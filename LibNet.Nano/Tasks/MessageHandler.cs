namespace NanoLibNet
{
    /// <summary>
    /// Receives a message. As a task's callback (<c>cbFun</c>) it gets every message that a
    /// <see cref="SysPlus.WaitMsg(string, int, int, out TaskMessage)"/> or a blocking <see cref="LibNet"/> call takes
    /// from the mailbox on its way to the one it waits for; it runs on the task's own thread.
    /// As a <see cref="NetCtrl"/> callback it gets that socket's events on the adapter's engine thread:
    /// keep it short and never block in it.
    /// </summary>
    /// <param name="msg">The message.</param>
    public delegate void MessageHandler(TaskMessage msg);
}
