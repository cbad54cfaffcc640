using System;
using System.Diagnostics;
using System.Threading;
using Xunit;

namespace NanoLibNet.Tests
{
    /// <summary>
    /// One blocking call that a test watches from another thread. The task makes the call through
    /// <see cref="Run{T}"/> (entered right before, returned right after); the test waits until the
    /// task is blocked inside (<see cref="NetTest"/>'s <c>UntilBlocked</c>), stamps the moment it
    /// acts with <see cref="Act"/> (the close, data, message or link change the call must react
    /// to), then <see cref="AssertEndedAtOnce"/> checks the call returned after that act and
    /// within <see cref="NetTest.Slack"/> of it: not early, not at its deadline.
    /// </summary>
    public sealed class WatchedCall
    {
        private long _entered;
        private long _returned;
        private long _acted;

        /// <summary>True while the task is inside the call (entered, not returned).</summary>
        public bool Inside
        {
            get { return Volatile.Read(ref _entered) != 0 && Volatile.Read(ref _returned) == 0; }
        }

        /// <summary>Milliseconds from <see cref="Act"/> to the call's return (negative: it returned before the act).</summary>
        public long MsFromActToReturn
        {
            get { return (Volatile.Read(ref _returned) - Volatile.Read(ref _acted)) * 1000 / Stopwatch.Frequency; }
        }

        /// <summary>Makes the watched call (on the task's thread).</summary>
        public T Run<T>(Func<T> call)
        {
            Volatile.Write(ref _entered, Stopwatch.GetTimestamp());
            try
            {
                return call();
            }
            finally
            {
                Volatile.Write(ref _returned, Stopwatch.GetTimestamp());
            }
        }

        /// <summary>Makes the watched call (on the task's thread).</summary>
        public void Run(Action call)
        {
            Run(() =>
            {
                call();
                return 0;
            });
        }

        /// <summary>Stamps the moment the test acts: call it right before the act.</summary>
        public void Act()
        {
            Volatile.Write(ref _acted, Stopwatch.GetTimestamp());
        }

        /// <summary>Asserts the call returned after the act, and within <see cref="NetTest.Slack"/> of it.</summary>
        public void AssertEndedAtOnce(string what)
        {
            Assert.True(Volatile.Read(ref _acted) != 0, what + ": the test never acted");
            Assert.True(Volatile.Read(ref _returned) != 0, what + ": the call never returned");
            long ms = MsFromActToReturn;
            Assert.True(ms >= 0, what + " returned " + (-ms) + " ms before the act it waits for");
            Assert.True(ms < NetTest.Slack, what + " returned " + ms + " ms after the act, not at once (slack " + NetTest.Slack + " ms)");
        }
    }
}
