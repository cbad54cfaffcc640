namespace NanoLibNet
{
    /// <summary>
    /// The body of a task started by <see cref="SysPlus.TaskInitEx(TaskBody, string, MessageHandler, object)"/>.
    /// It runs on the task's own thread; when it returns (or throws) the task ends and is unregistered.
    /// </summary>
    /// <param name="arg">The argument given to <c>TaskInitEx</c>.</param>
    public delegate void TaskBody(object arg);
}
