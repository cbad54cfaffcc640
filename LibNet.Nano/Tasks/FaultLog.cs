using System;
using System.Threading;

namespace NanoLibNet
{
    /// <summary>
    /// What tasks that threw left behind: a count, the last exception of each of the most recent
    /// <see cref="SysPlus.FaultLogCapacity"/> task names (a fixed table: a task that keeps failing
    /// takes one entry, never more memory), and the text written to the console.
    /// </summary>
    internal static class FaultLog
    {
        private static readonly object s_lock = new object();
        private static readonly string[] s_names = new string[SysPlus.FaultLogCapacity];
        private static readonly Exception[] s_faults = new Exception[SysPlus.FaultLogCapacity];
        private static int s_next;
        private static int s_count;

        internal static TaskFaultHandler Handler;

        internal static int Count { get { return s_count; } }

        /// <summary>Task thread, before the task is unregistered: counts, keeps and writes out the fault.</summary>
        internal static void Record(string taskName, Exception ex)
        {
            Interlocked.Increment(ref s_count);
            lock (s_lock)
            {
                int slot = IndexOf(taskName);
                if (slot < 0)
                {
                    // A new name takes the oldest entry.
                    slot = s_next;
                    s_next = (s_next + 1) % s_names.Length;
                    s_names[slot] = taskName;
                }

                s_faults[slot] = ex;
            }

            Write(Describe("task '" + taskName + "' failed: ", ex));
        }

        /// <summary>The last fault of <paramref name="taskName"/>, if it is still in the table.</summary>
        internal static Exception Last(string taskName)
        {
            lock (s_lock)
            {
                int slot = IndexOf(taskName);
                return slot < 0 ? null : s_faults[slot];
            }
        }

        /// <summary>Task thread, after the task ended: the process-wide handler, if any; what it throws is written out, never rethrown.</summary>
        internal static void CallHandler(string taskName, Exception ex)
        {
            TaskFaultHandler handler = Handler;
            if (handler == null)
            {
                return;
            }

            try
            {
                handler(taskName, ex);
            }
            catch (Exception inHandler)
            {
                Write(Describe("SysPlus.FaultHandler failed for task '" + taskName + "': ", inHandler));
            }
        }

        /// <summary>
        /// "prefix" + type: message, the stack (where the platform keeps one: desktop .NET, and
        /// nanoFramework's StackTrace), then each inner exception the same way.
        /// </summary>
        internal static string Describe(string prefix, Exception ex)
        {
            string text = prefix;
            for (Exception e = ex; e != null; e = e.InnerException)
            {
                if (e != ex)
                {
                    text += "\n ---> ";
                }

                text += e.GetType().FullName + ": " + e.Message;
                string stack = StackOf(e);
                if (stack != null && stack.Length > 0)
                {
                    text += "\n" + stack;
                }
            }

            return text;
        }

        private static string StackOf(Exception e)
        {
            try
            {
                return e.StackTrace;
            }
            catch (Exception)
            {
                // A platform that keeps no stack: type and message are all there is.
                return null;
            }
        }

        private static void Write(string text)
        {
            try
            {
                // Console on both platforms: on the device it goes to the debugger's output
                // (Debug.WriteLine would vanish from a Release build of the library).
                Console.WriteLine("[SysPlus] " + text);
            }
            catch (Exception)
            {
                // Nowhere to write: the fault is still counted and kept.
            }
        }

        private static int IndexOf(string taskName)
        {
            for (int i = 0; i < s_names.Length; i++)
            {
                if (s_names[i] != null && s_names[i] == taskName)
                {
                    return i;
                }
            }

            return -1;
        }
    }
}
