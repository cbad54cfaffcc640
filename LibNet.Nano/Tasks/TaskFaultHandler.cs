using System;

namespace NanoLibNet
{
    /// <summary>
    /// Called when a task's body throws (set <see cref="SysPlus.FaultHandler"/>). It runs on the
    /// ended task's own thread, after the task was unregistered and its sockets were released,
    /// so it may start a task of the same name again.
    /// </summary>
    /// <param name="taskName">The task whose body threw.</param>
    /// <param name="exception">What it threw.</param>
    public delegate void TaskFaultHandler(string taskName, Exception exception);
}
