using System;
using System.Threading;

namespace NanoLibNet.Tests.Device
{
    /// <summary>
    /// One task started by a test: runs the body on the task's thread and keeps what it threw,
    /// so the test thread can rethrow it (an assertion failing inside a task must fail the test,
    /// not vanish with the task).
    /// </summary>
    internal sealed class TaskRun
    {
        private readonly TaskTest _body;
        private readonly object _lock = new object();
        private Thread _thread;
        private Exception _fault;

        internal TaskRun(string name, TaskTest body)
        {
            Name = name;
            _body = body;
        }

        internal readonly string Name;

        /// <summary>The task's thread once it started, else null.</summary>
        internal Thread Thread { get { lock (_lock) { return _thread; } } }

        /// <summary>What the body threw, or null.</summary>
        internal Exception Fault { get { lock (_lock) { return _fault; } } }

        /// <summary>The task body given to <c>SysPlus.TaskInitEx</c>.</summary>
        internal void Run(object arg)
        {
            lock (_lock)
            {
                _thread = Thread.CurrentThread;
            }

            try
            {
                _body(Name);
            }
            catch (Exception ex)
            {
                lock (_lock)
                {
                    _fault = ex;
                }
            }
        }
    }
}
